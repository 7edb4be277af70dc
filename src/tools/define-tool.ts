/**
 * `defineTool`: a tool is declared once (name, description, schema, `execute`) and the SDK
 * does the rest: declares it to the model, validates arguments, runs it, answers the model.
 */
import { RealtimeError } from '../base/errors';
import type { ToolArgumentsResult } from './arguments';
import { isDeferredJsonSchema, resolveToolJsonSchema, type DeferredJsonSchema, type JsonSchemaObject } from './json-schema';
import type { StandardSchemaV1 } from './standard-schema';
import type { ToolApprovalContext, ToolContext } from './tool-context';

/** The API's rule for function names. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * What `parameters` may be: a zod 4 schema (classic or mini), any other Standard Schema
 * validator (then with `jsonSchema`, unless it implements Standard JSON Schema), or a plain
 * JSON Schema object.
 */
export type ToolParameters = StandardSchemaV1 | JsonSchemaObject;

/**
 * The arguments `execute` receives: the schema's output type for a Standard Schema (zod,
 * Valibot, ArkType...), `Record<string, unknown>` for a plain JSON Schema (only JSON-parsed).
 */
export type InferToolArgs<Parameters> = Parameters extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Parameters> : Record<string, unknown>;

/**
 * A zod 3 schema, told apart by shape: zod 3 types have `_def` and a `_parse` method, zod 4
 * (classic and mini) has `_zod` instead. zod 3 implements Standard Schema, so it would fit
 * {@link ToolParameters}, but it cannot describe itself as JSON Schema.
 */
export interface Zod3SchemaLike {
  /** zod 3's definition object. */
  readonly _def: unknown;
  /** zod 3's internal parser (zod 4 has none). */
  _parse(input: never): unknown;
}

/**
 * What a zod 3 schema in `parameters` meets at compile time: this message as the type it must
 * also be, so the error says what to pass instead. `unknown` (no constraint) for anything else.
 */
export type RejectZod3<Parameters> = Parameters extends Zod3SchemaLike
  ? 'A zod 3 schema cannot describe itself as JSON Schema: pass a zod 4 schema (zod >= 4, or zod/mini), or a plain JSON Schema object as parameters'
  : unknown;

/** `needsApproval`: always, never, or decided per call from the validated arguments. */
export type ToolApprovalPolicy<Args> = boolean | ((args: Args, context: ToolApprovalContext) => boolean | Promise<boolean>);

/** What {@link defineTool} takes. */
export interface ToolDefinition<Parameters extends ToolParameters = ToolParameters, Args = InferToolArgs<Parameters>> {
  /** The function name the model calls: 1 to 64 of `a-z A-Z 0-9 _ -`. */
  name: string;
  /** What the tool does and when to use it: the model reads this. */
  description: string;
  /**
   * The arguments' schema: a zod 4 schema (classic or mini; converted to JSON Schema with
   * input semantics, so fields with defaults are optional), any Standard Schema validator
   * (with `jsonSchema`, unless it implements Standard JSON Schema), or a plain JSON Schema
   * (arguments are then only JSON-parsed). The top level must be an object. A zod mini schema
   * is converted on demand, when the client declares its tools (see {@link Tool.prepare}).
   * A zod 3 schema is refused (by the types, and at run time): it has no JSON Schema.
   */
  parameters: Parameters & RejectZod3<Parameters>;
  /**
   * The JSON Schema to declare, for a Standard Schema validator that cannot describe
   * itself. Takes precedence over any conversion. Not allowed with a plain JSON Schema.
   */
  jsonSchema?: JsonSchemaObject;
  /**
   * Runs the tool. Returns a string (sent to the model as is) or any JSON-serialisable value
   * (sent as JSON; `undefined` is sent as `null`). A throw or rejection is sent to the model
   * as `{"error": message}`. Honour `context.signal`: after it aborts, the result is dropped.
   */
  execute: (args: Args, context: ToolContext) => unknown;
  /**
   * Milliseconds `execute` may run before it is aborted and the model is told it timed out.
   * `Infinity` disables the limit.
   * @default DEFAULT_TOOL_TIMEOUT_MS (30 000), or the dispatcher's `defaultTimeoutMs`
   */
  timeoutMs?: number;
  /**
   * Whether a call must be approved first (the client's `toolApproval` event). A predicate
   * gets the validated arguments. A rejected call answers the model with a refusal.
   * @default false
   */
  needsApproval?: ToolApprovalPolicy<Args>;
}

/** A tool as {@link defineTool} makes it: immutable, ready for `client.tools.add(tool)`. */
export interface Tool<Args = unknown> {
  /** The function name. */
  readonly name: string;
  /** The description the model reads. */
  readonly description: string;
  /**
   * The JSON Schema declared to the model as the function's `parameters`. For a zod mini
   * schema it is converted on demand: read it once {@link Tool.prepare} has resolved (the
   * client and the registry do this before declaring tools); before that, reading it throws a
   * `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError}.
   */
  readonly parameters: JsonSchemaObject;
  /**
   * Makes `parameters` ready. Only a zod mini schema needs it: zod mini cannot describe itself
   * as JSON Schema, and zod's converter (~7 KB gzip) is loaded only when such a schema is used.
   * Resolves at once for every other schema. Rejects with a `VOXWIRE_INVALID_ARGUMENT`
   * {@link RealtimeError} naming the tool when the schema cannot be converted.
   */
  prepare(): Promise<void>;
  /** The tool's own time limit, if set. */
  readonly timeoutMs: number | undefined;
  /** Whether calls need approval. */
  readonly needsApproval: ToolApprovalPolicy<Args>;
  /** JSON-parses and validates a call's `arguments`; never throws. */
  parseArguments(argumentsJson: string): Promise<ToolArgumentsResult<Args>>;
  /** Runs the tool with validated arguments. */
  readonly execute: (args: Args, context: ToolContext) => unknown;
}

/**
 * A tool of any argument type, as registries hold them. Its inputs are typed `never`, because
 * `execute` and `needsApproval` take their arguments contravariantly (a `Tool<{ city: string }>`
 * must fit), and its `parseArguments` returns `unknown`. The dispatcher passes a tool only the
 * arguments its own `parseArguments` validated.
 */
export type AnyTool = Omit<Tool<never>, 'parseArguments'> & {
  /** JSON-parses and validates a call's `arguments`; never throws. */
  parseArguments(argumentsJson: string): Promise<ToolArgumentsResult<unknown>>;
};

/** The on-demand JSON Schema of each tool defined with a zod mini schema. */
const deferredParameters = new WeakMap<object, DeferredJsonSchema>();

/**
 * True when the tool's `parameters` can be read now (false for a zod mini schema not yet
 * converted, or whose conversion failed).
 */
export function isToolPrepared(tool: AnyTool): boolean {
  const deferred = deferredParameters.get(tool);
  return deferred === undefined || deferred.converted;
}

/**
 * What identifies a tool's declaration without converting its schema (JSON-serialisable): its
 * name, description and JSON Schema, or for a zod mini schema the schema object's key instead
 * (a schema always converts to the same JSON Schema, and the key does not change once it has).
 */
export function toolDeclaration(tool: AnyTool): unknown {
  const deferred = deferredParameters.get(tool);
  return [tool.name, tool.description, deferred === undefined ? tool.parameters : deferred.key];
}

/**
 * Declares a tool. Checks the name and converts the schema now, so a mistake throws a
 * `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError} before anything connects. A zod mini schema
 * is the exception: its conversion waits for {@link Tool.prepare}, which the client runs
 * before declaring tools, so a schema zod cannot convert fails `connect()` (or the live tools
 * update, as an `error` event) with that error.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineTool } from 'voxwire';
 *
 * const getWeather = defineTool({
 *   name: 'get_weather',
 *   description: 'Get the current weather for a city.',
 *   parameters: z.object({ location: z.string().describe('City name, e.g. "Paris"') }),
 *   async execute({ location }, { signal }) {
 *     const res = await fetch(`https://wttr.in/${encodeURIComponent(location)}?format=j1`, { signal });
 *     const [now] = (await res.json()).current_condition;
 *     return { location, celsius: Number(now.temp_C), sky: now.weatherDesc[0].value };
 *   },
 * });
 * client.tools.add(getWeather);
 * ```
 */
export function defineTool<Parameters extends ToolParameters>(definition: ToolDefinition<Parameters>): Tool<InferToolArgs<Parameters>> {
  type Args = InferToolArgs<Parameters>;
  if (typeof definition !== 'object' || definition === null) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `defineTool(): expected a definition object, got ${definition === null ? 'null' : typeof definition}.`);
  }
  const { name, description, parameters, jsonSchema, execute, timeoutMs, needsApproval = false } = definition;
  if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `defineTool(): invalid tool name ${JSON.stringify(name)}: the API accepts 1 to 64 letters, digits, \`_\` or \`-\` (e.g. "get_weather").`,
      { path: 'name' },
    );
  }
  const where = `defineTool(${JSON.stringify(name)})`;
  if (typeof description !== 'string') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${where}: \`description\` must be a string (the model reads it to choose the tool).`, {
      path: 'description',
    });
  }
  if (typeof execute !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${where}: \`execute\` must be a function, got ${typeof execute}.`, { path: 'execute' });
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${where}: \`timeoutMs\` must be a positive number of milliseconds (or Infinity for none), got ${String(timeoutMs)}.`, {
      path: 'timeoutMs',
    });
  }
  if (typeof needsApproval !== 'boolean' && typeof needsApproval !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${where}: \`needsApproval\` must be a boolean or a function, got ${typeof needsApproval}.`, {
      path: 'needsApproval',
    });
  }
  const resolved = resolveToolJsonSchema(name, parameters, jsonSchema);
  const validator = resolved.validator as StandardSchemaV1<unknown, Args> | undefined;
  const schema = resolved.jsonSchema;
  const deferred = isDeferredJsonSchema(schema) ? schema : undefined;
  const declared = deferred === undefined ? Object.freeze(schema as JsonSchemaObject) : undefined;
  const tool: Tool<Args> = {
    name,
    description,
    get parameters(): JsonSchemaObject {
      return declared ?? (deferred as DeferredJsonSchema).get();
    },
    prepare: () => (deferred === undefined ? Promise.resolve() : deferred.load()),
    timeoutMs,
    needsApproval: needsApproval as ToolApprovalPolicy<Args>,
    // Loaded with the first call: an app that declares tools does not ship the parser at start
    // (the dispatcher that calls it loads on demand too).
    parseArguments: async (argumentsJson) => (await import('./arguments')).parseToolArguments(argumentsJson, validator),
    execute: execute as (args: Args, context: ToolContext) => unknown,
  };
  if (deferred !== undefined) {
    deferredParameters.set(tool, deferred);
    // Start loading zod's converter now, so connecting rarely waits for it; a failure is
    // reported by prepare().
    deferred.load().catch(() => undefined);
  }
  return Object.freeze(tool);
}
