/**
 * The tool registry (`client.tools`): which tools the session offers the model, and one
 * debounced notification when that set changes, so the client sends one `session.update`
 * for a burst of `add` / `remove` calls.
 */
import { systemClock, type Clock } from '../base/clock';
import { DEFAULT_TOOLS_SYNC_DEBOUNCE_MS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { FunctionTool } from '../events/tools';
import { TOOL_NAME_PATTERN, isToolPrepared, toolDeclaration, type AnyTool } from './define-tool';
import type { JsonSchemaObject } from './json-schema';

/** A function tool as the session's `tools` array declares it (GA shape). */
export type SessionFunctionTool = FunctionTool & {
  /** Always `function`. */
  type: 'function';
  /** The tool's name, as the model calls it. */
  name: string;
  /** The tool's description, which tells the model when to call it. */
  description: string;
  /** The tool's arguments as a JSON Schema object (converted from a zod mini schema if need be). */
  parameters: JsonSchemaObject;
};

/** Called with the session's function tools after a burst of changes. */
export type ToolsChangeListener = (tools: SessionFunctionTool[]) => void;

/**
 * Called when a burst of changes cannot be declared: a tool's zod mini schema could not be
 * converted to JSON Schema (a `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError} naming it).
 */
export type ToolsErrorListener = (error: RealtimeError) => void;

/** Options for {@link ToolRegistry}. */
export interface ToolRegistryOptions {
  /**
   * Tools registered from the start. They count as already declared (the client puts
   * {@link ToolRegistry.toSessionTools} in its first `session.update`), so they cause no
   * change notification.
   */
  tools?: readonly AnyTool[];
  /** Timers for the debounce. @default systemClock */
  clock?: Clock;
  /**
   * Milliseconds of quiet after the last change before listeners hear of it.
   * @default DEFAULT_TOOLS_SYNC_DEBOUNCE_MS (25)
   */
  syncDebounceMs?: number;
}

/**
 * The tools the model may call, by name. Adding a tool whose name is taken replaces the old
 * one (like `Map.set`), so a tool can be redefined with a new description or schema.
 * Listeners registered with {@link ToolRegistry.onChange} hear once per burst of changes, and
 * only when the declared tools really differ from what they last heard.
 *
 * @example
 * ```ts
 * client.tools.add(getWeather, getTime);
 * client.tools.remove('get_time'); // one session.update for both changes
 * ```
 */
export class ToolRegistry {
  readonly #tools = new Map<string, AnyTool>();
  readonly #listeners = new Map<ToolsChangeListener, ToolsErrorListener | undefined>();
  readonly #clock: Clock;
  readonly #debounceMs: number;
  #timer: unknown = undefined;
  #timerPending = false;
  #lastDeclared: string;

  constructor(options: ToolRegistryOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#debounceMs = options.syncDebounceMs ?? DEFAULT_TOOLS_SYNC_DEBOUNCE_MS;
    if (!(this.#debounceMs >= 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `ToolRegistry: \`syncDebounceMs\` must be a number >= 0, got ${String(options.syncDebounceMs)}.`);
    }
    for (const tool of options.tools ?? []) this.#tools.set(checkTool(tool).name, tool);
    this.#lastDeclared = this.#declarationKey();
  }

  /** How many tools are registered. */
  get size(): number {
    return this.#tools.size;
  }

  /** Registers tools (made with `defineTool`); a tool with a taken name replaces the old one. */
  add(...tools: AnyTool[]): this {
    // Check all first so that a bad tool in the list changes nothing.
    for (const tool of tools) checkTool(tool);
    for (const tool of tools) this.#tools.set(tool.name, tool);
    if (tools.length > 0) this.#changed();
    return this;
  }

  /** Unregisters a tool by name. Returns true when there was one. */
  remove(name: string): boolean {
    const removed = this.#tools.delete(name);
    if (removed) this.#changed();
    return removed;
  }

  /** Unregisters every tool. */
  clear(): void {
    if (this.#tools.size === 0) return;
    this.#tools.clear();
    this.#changed();
  }

  /** The tool with this name, if registered. */
  get(name: string): AnyTool | undefined {
    return this.#tools.get(name);
  }

  /** True when a tool with this name is registered. */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /** The registered tools, in registration order. */
  list(): AnyTool[] {
    return [...this.#tools.values()];
  }

  /**
   * Makes every registered tool's JSON Schema ready (see `Tool.prepare`: only zod mini schemas
   * need it; zod's converter loads on the first such call). Resolves at once when nothing is
   * pending. Rejects with the first tool's `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError}
   * when a schema cannot be converted.
   */
  async prepare(): Promise<void> {
    await Promise.all(this.list().map((tool) => (isToolPrepared(tool) ? undefined : tool.prepare())));
  }

  /**
   * The session's `tools` entries for the registered tools (GA `{ type: 'function', ... }`).
   * Call it after {@link ToolRegistry.prepare}: a zod mini schema not converted yet makes it
   * throw a `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError}.
   */
  toSessionTools(): SessionFunctionTool[] {
    return this.list().map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters }));
  }

  /**
   * Subscribes to changes of the declared tools: once the registry has been quiet for
   * `syncDebounceMs` (and any zod mini schema among the tools is converted), the listener gets
   * the new {@link ToolRegistry.toSessionTools}. When a schema cannot be converted, `onError`
   * gets the error instead. Returns a function that unsubscribes.
   */
  onChange(listener: ToolsChangeListener, onError?: ToolsErrorListener): () => void {
    this.#listeners.set(listener, onError);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Delivers a pending change notification now instead of after the debounce. */
  flushChanges(): void {
    if (!this.#timerPending) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timerPending = false;
    this.#notify();
  }

  /** Cancels a pending notification and drops all listeners. The tools stay registered. */
  dispose(): void {
    if (this.#timerPending) this.#clock.clearTimeout(this.#timer);
    this.#timerPending = false;
    this.#listeners.clear();
  }

  #changed(): void {
    if (this.#timerPending) this.#clock.clearTimeout(this.#timer);
    this.#timerPending = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timerPending = false;
      this.#notify();
    }, this.#debounceMs);
  }

  #declarationKey(): string {
    return JSON.stringify(this.list().map(toolDeclaration));
  }

  #notify(): void {
    const declared = this.#declarationKey();
    // An add undone by a remove within the debounce changes nothing on the server.
    if (declared === this.#lastDeclared) return;
    this.#lastDeclared = declared;
    this.#deliver();
  }

  #deliver(): void {
    if (this.list().every(isToolPrepared)) {
      const tools = this.toSessionTools();
      for (const listener of [...this.#listeners.keys()]) listener(tools);
      return;
    }
    // A zod mini schema converts first (its converter may still be loading); a tool added in
    // the meantime is prepared by the next round.
    this.prepare().then(
      () => this.#deliver(),
      // Tools made with defineTool reject only with a RealtimeError naming the tool.
      (error: unknown) => {
        for (const onError of [...this.#listeners.values()]) onError?.(error as RealtimeError);
      },
    );
  }
}

function checkTool(tool: AnyTool): AnyTool {
  const candidate = tool as Partial<AnyTool> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.name !== 'string' ||
    !TOOL_NAME_PATTERN.test(candidate.name) ||
    typeof candidate.execute !== 'function' ||
    typeof candidate.parseArguments !== 'function' ||
    // A zod mini schema not converted yet has no `parameters` to read (defineTool made it).
    (isToolPrepared(candidate as AnyTool) && (typeof candidate.parameters !== 'object' || candidate.parameters === null))
  ) {
    const shown = typeof candidate === 'object' && candidate !== null ? `an object named ${JSON.stringify(candidate.name)}` : String(candidate);
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `tools.add(): expected a tool made with defineTool(), got ${shown}.`);
  }
  return tool;
}
