/**
 * Fakes for the tools tests: a manual clock, a recording host, and GA-shaped server events
 * (modelled on the official examples in the protocol reference, and checked with the SDK's
 * own parser so a drift in shape fails here first).
 */
import type { Clock } from '../../src/base/clock';
import type { ClientEventInput } from '../../src/events/client-events';
import { parseClientEvent } from '../../src/events/parse';
import { parseServerEvent } from '../../src/events/realtime-codec';
import type { ResponseCreateParams } from '../../src/events/response';
import type { ServerEvent } from '../../src/events/server-events';
import type { ToolChoiceSetting, ToolHost } from '../../src/tools/dispatcher';
import type { ToolConversationEntry, ToolConversationView } from '../../src/tools/tool-context';
import type { ToolEventMap, ToolEventName } from '../../src/tools/tool-events';

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + delayMs, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
    }
    this.time = end;
  }
}

/** A conversation view the tests fill by hand. */
export class FakeConversation implements ToolConversationView {
  readonly entries: ToolConversationEntry[] = [];

  get(id: string): ToolConversationEntry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  addOutput(callId: string): void {
    this.entries.push({ id: `out_${callId}`, type: 'function_call_output', status: 'completed', text: '', callId, name: undefined, arguments: undefined, output: '{}' });
  }
}

type Emitted = { [Name in ToolEventName]: { name: Name; event: ToolEventMap[Name] } }[ToolEventName];

/** A host that records what the dispatcher does and checks every event it sends. */
export class FakeHost implements ToolHost {
  readonly conversation = new FakeConversation();
  readonly sent: ClientEventInput[] = [];
  readonly responseRequests: (ResponseCreateParams | undefined)[] = [];
  readonly emitted: Emitted[] = [];
  /** The order of sends and response requests together. */
  readonly log: string[] = [];
  connected = true;
  toolChoice: ToolChoiceSetting = undefined;
  /** Event names that have a listener (toolApproval listeners are opt-in). */
  readonly listening = new Set<ToolEventName>(['toolCall', 'toolResult', 'toolError', 'toolOutputs']);
  onApproval: ((request: ToolEventMap['toolApproval']) => void) | undefined;

  sendEvent(event: ClientEventInput): boolean {
    if (!this.connected) return false;
    const parsed = parseClientEvent(event);
    if (!parsed.ok || !parsed.known) throw new Error(`invalid client event: ${parsed.ok ? 'unknown type' : parsed.error.message}`);
    this.sent.push(event);
    this.log.push(event.type);
    return true;
  }

  requestResponse(params?: ResponseCreateParams): void {
    const parsed = parseClientEvent(params === undefined ? { type: 'response.create' } : { type: 'response.create', response: params });
    if (!parsed.ok) throw new Error(`invalid response.create: ${parsed.error.message}`);
    this.responseRequests.push(params);
    this.log.push('requestResponse');
  }

  emit<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean {
    this.emitted.push({ name, event } as Emitted);
    if (name === 'toolApproval') {
      if (!this.onApproval) return false;
      this.onApproval(event as ToolEventMap['toolApproval']);
      return true;
    }
    return this.listening.has(name);
  }

  getToolChoice(): ToolChoiceSetting {
    return this.toolChoice;
  }

  /** Payloads of one event name. */
  events<Name extends ToolEventName>(name: Name): ToolEventMap[Name][] {
    return this.emitted.filter((entry) => entry.name === name).map((entry) => entry.event as ToolEventMap[Name]);
  }

  /** The function_call_output items sent, as `{ call_id, output }`. */
  get outputs(): { call_id: string; output: string }[] {
    return this.sent.flatMap((event) =>
      event.type === 'conversation.item.create' && event.item.type === 'function_call_output' ? [{ call_id: event.item.call_id, output: event.item.output }] : [],
    );
  }
}

let eventCounter = 0;

function known(raw: Record<string, unknown>): ServerEvent {
  const parsed = parseServerEvent(JSON.stringify(raw));
  if (!parsed.ok) throw new Error(`fixture event does not parse: ${parsed.error.message}`);
  if (!parsed.known) throw new Error(`fixture event type unknown: ${String(raw.type)}`);
  return parsed.event;
}

/** A function call the model makes. */
export interface CallSpec {
  responseId?: string;
  itemId?: string;
  callId: string;
  name: string;
  arguments: string;
  outputIndex?: number;
}

function itemOf(call: CallSpec, status = 'completed') {
  return {
    id: call.itemId ?? `fc_${call.callId}`,
    object: 'realtime.item',
    type: 'function_call',
    status,
    name: call.name,
    call_id: call.callId,
    arguments: call.arguments,
  };
}

/** `response.created`, as the server announces a response. */
export function responseCreated(responseId = 'resp_1'): ServerEvent {
  return known({
    type: 'response.created',
    event_id: `event_${++eventCounter}`,
    response: { object: 'realtime.response', id: responseId, status: 'in_progress', status_details: null, output: [], conversation_id: 'conv_1', output_modalities: ['audio'], usage: null, metadata: null },
  });
}

/** `response.output_item.added` with the call's item still in progress (empty arguments). */
export function outputItemAdded(call: CallSpec): ServerEvent {
  return known({
    type: 'response.output_item.added',
    event_id: `event_${++eventCounter}`,
    response_id: call.responseId ?? 'resp_1',
    output_index: call.outputIndex ?? 0,
    item: { ...itemOf(call, 'in_progress'), arguments: '' },
  });
}

/** `conversation.item.added` for a function call (also what a reconnect's replay looks like). */
export function conversationItemAdded(call: CallSpec, status = 'completed'): ServerEvent {
  return known({ type: 'conversation.item.added', event_id: `event_${++eventCounter}`, previous_item_id: null, item: itemOf(call, status) });
}

/** `response.function_call_arguments.done` (the official example's shape). */
export function argumentsDone(call: CallSpec): ServerEvent {
  return known({
    event_id: `event_${++eventCounter}`,
    type: 'response.function_call_arguments.done',
    response_id: call.responseId ?? 'resp_1',
    item_id: call.itemId ?? `fc_${call.callId}`,
    output_index: call.outputIndex ?? 0,
    call_id: call.callId,
    name: call.name,
    arguments: call.arguments,
  });
}

/** `response.output_item.done` with a completed `function_call` item. */
export function outputItemDone(call: CallSpec, status = 'completed'): ServerEvent {
  return known({
    event_id: `event_${++eventCounter}`,
    type: 'response.output_item.done',
    response_id: call.responseId ?? 'resp_1',
    output_index: call.outputIndex ?? 0,
    item: itemOf(call, status),
  });
}

/** `response.done` listing the calls as its output. */
export function responseDone(responseId: string, calls: CallSpec[], status = 'completed', reason: string | null = null): ServerEvent {
  return known({
    type: 'response.done',
    event_id: `event_${++eventCounter}`,
    response: {
      object: 'realtime.response',
      id: responseId,
      status,
      status_details: status === 'completed' ? null : { type: status, reason },
      output: calls.map((call) => itemOf(call, status === 'completed' ? 'completed' : 'incomplete')),
      conversation_id: 'conv_1',
      output_modalities: ['audio'],
      usage: null,
      metadata: null,
    },
  });
}

/** Everything the server sends for one call, in GA order, up to (not including) `response.done`. */
export function callEvents(call: CallSpec): ServerEvent[] {
  return [outputItemAdded(call), conversationItemAdded({ ...call, arguments: '' }, 'in_progress'), argumentsDone(call), outputItemDone(call)];
}

/**
 * Lets pending promise callbacks run (validation, execute, approval are async). A tool's argument
 * parser loads with the first call (src/tools/define-tool.ts): waited for here first, so the
 * count of turns below holds from the first test on.
 */
export async function settle(): Promise<void> {
  await import('../../src/tools/arguments');
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}
