/**
 * The relay's session policy, applied to every client event that is not an audio append:
 * the operator's locked session fields are merged over the client's, voices are checked
 * against an allowlist, `max_output_tokens` is capped, client tools are passed through or
 * restricted, server-side tools are declared alongside them, and what the client may put in
 * the conversation is checked. Pure functions over validated events: no I/O, no state.
 */
import type { ClientEventInput, ClientEventInputMap } from '../../events/client-events';
import type { RealtimeSessionConfig } from '../../events/session';
import type { SessionFunctionTool } from '../../tools/registry';
import { isRecord } from '../../base/is-record';

/**
 * Session fields the operator owns. Whatever the client sends for these is replaced (nested
 * objects such as `audio.output` merge field by field, the operator's fields winning). The
 * model is not here: it is fixed by the upstream connection.
 */
export type RelayLockedSession = Omit<RealtimeSessionConfig, 'type' | 'model'>;

/** The policy of one session, resolved from the relay's options and the user's identity. */
export interface ResolvedSessionPolicy {
  /** Locked session fields, or undefined for none. */
  readonly locked: RelayLockedSession | undefined;
  /** Voices the client may choose, or undefined for any. */
  readonly voices: ReadonlySet<string> | undefined;
  /** The `max_output_tokens` cap, or undefined for none. */
  readonly maxOutputTokens: number | undefined;
  /** Client tools: all, none, or those whose names (or MCP server labels) are listed. */
  readonly clientTools: 'passthrough' | 'none' | ReadonlySet<string>;
  /** Names of the relay's server-side tools. */
  readonly serverToolNames: ReadonlySet<string>;
  /** Declarations of the relay's server-side tools, merged into the session's `tools`. */
  readonly serverToolDeclarations: readonly SessionFunctionTool[];
  /** Whether the client may add `system` messages to the conversation. */
  readonly allowSystemMessages: boolean;
  /** Session types a client may configure (`session.update`'s `session.type`); undefined for both. */
  readonly sessionTypes?: ReadonlySet<RelaySessionType> | undefined;
}

/** The kinds of Realtime session the relay holds: a conversation, or input transcription only. */
export type RelaySessionType = 'realtime' | 'transcription';

/**
 * Session fields that only a conversation has: a transcription session takes `audio.input` and
 * `include` (openai 7.60.0, `RealtimeTranscriptionSessionCreateRequest`) and has no responses.
 */
const RESPONSE_SESSION_FIELDS: readonly string[] = [
  'instructions',
  'tools',
  'tool_choice',
  'output_modalities',
  'max_output_tokens',
  'prompt',
  'tracing',
  'truncation',
  'reasoning',
];

/** Client events about responses and the conversation, which a transcription session does not have. */
const RESPONSE_EVENT_TYPES: ReadonlySet<string> = new Set([
  'response.create',
  'response.cancel',
  'conversation.item.create',
  'conversation.item.truncate',
  'output_audio_buffer.clear',
]);

/** The outcome of applying the policy to one client event. */
export type PolicyResult =
  /** Forward: `event` is the rewritten event, or undefined when the original frame stands. */
  | {
      /** The event may be forwarded. */
      ok: true;
      /** The rewritten event to forward, or undefined to forward the original frame unchanged. */
      event: ClientEventInput | undefined;
    }
  /** Refuse with an `error` event naming the rule; nothing is forwarded. */
  | {
      /** The event is refused. */
      ok: false;
      /** Why, for the `error` event sent to the client. */
      message: string;
      /** The path of the offending field in the client event (for example `session.tools[0]`), when there is one. */
      param?: string;
    };

/** A JSON object as the policy handles it: string keys, values of any type. */
export type Json = Record<string, unknown>;

function setOwn(target: Json, key: string, value: unknown): void {
  // A key from configuration could be `__proto__`; define it as data, never through the setter.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `base` with every field of `locked` written over it; plain objects merge recursively. */
export function mergeLocked(base: Json, locked: Json): Json {
  const merged: Json = { ...base };
  for (const key of Object.keys(locked)) {
    const lockedValue = locked[key];
    if (lockedValue === undefined) continue;
    const baseValue = merged[key];
    setOwn(merged, key, isRecord(lockedValue) && isRecord(baseValue) ? mergeLocked(baseValue, lockedValue) : lockedValue);
  }
  return merged;
}

/** The name of a session's voice: the string, or a custom voice's `id`. */
export function voiceName(voice: unknown): string | undefined {
  if (typeof voice === 'string') return voice;
  if (isRecord(voice) && typeof voice.id === 'string') return voice.id;
  return undefined;
}

function lockedVoice(policy: ResolvedSessionPolicy): unknown {
  const audio = policy.locked?.audio as Json | undefined;
  const output = audio?.output as Json | undefined;
  return output?.voice;
}

export function checkVoice(policy: ResolvedSessionPolicy, voice: unknown, param: string): PolicyResult | undefined {
  if (voice === undefined || policy.voices === undefined || lockedVoice(policy) !== undefined) return undefined;
  const name = voiceName(voice);
  if (name !== undefined && policy.voices.has(name)) return undefined;
  return {
    ok: false,
    message: `voice ${JSON.stringify(name ?? voice)} is not allowed on this relay (allowed: ${[...policy.voices].join(', ')})`,
    param,
  };
}

function toolLabel(tool: Json): string {
  if (tool.type === 'mcp') return typeof tool.server_label === 'string' ? tool.server_label : '';
  return typeof tool.name === 'string' ? tool.name : '';
}

/** Checks the client's tools against the policy; returns the refusal or undefined. */
export function checkClientTools(policy: ResolvedSessionPolicy, tools: readonly unknown[], param: string): PolicyResult | undefined {
  for (const [index, tool] of tools.entries()) {
    const label = toolLabel(tool as Json);
    if (policy.serverToolNames.has(label)) {
      return { ok: false, message: `tool ${JSON.stringify(label)} is a server-side tool of this relay; the client cannot declare it`, param: `${param}[${index}]` };
    }
    if (policy.clientTools === 'none') {
      return { ok: false, message: `this relay does not accept client tools (got ${JSON.stringify(label)})`, param: `${param}[${index}]` };
    }
    if (policy.clientTools !== 'passthrough' && !policy.clientTools.has(label)) {
      const allowed = [...policy.clientTools].join(', ') || 'none';
      return { ok: false, message: `tool ${JSON.stringify(label)} is not allowed on this relay (allowed client tools: ${allowed})`, param: `${param}[${index}]` };
    }
  }
  return undefined;
}

/** The tools to declare: locked ones (when locked) or the client's, then the server tools. */
function declaredTools(policy: ResolvedSessionPolicy, clientTools: readonly unknown[] | undefined): unknown[] | undefined {
  const lockedTools = policy.locked?.tools;
  const base = lockedTools ?? clientTools;
  if (base === undefined && lockedTools === undefined) return undefined;
  return [...(base ?? []), ...policy.serverToolDeclarations];
}

function capTokens(policy: ResolvedSessionPolicy, value: unknown): unknown {
  const cap = policy.maxOutputTokens;
  if (cap === undefined || value === undefined) return value;
  if (value === 'inf' || (typeof value === 'number' && value > cap)) return cap;
  return value;
}

function checkItem(policy: ResolvedSessionPolicy, item: unknown, param: string, isServerCall: (callId: string) => boolean): PolicyResult | undefined {
  if (!isRecord(item)) return undefined;
  // By role, whatever the item's type: an item type or role newer than the schemas (a
  // `developer` message, a future message kind) must not be a way around the locked instructions.
  if ((item.role === 'system' || item.role === 'developer') && !policy.allowSystemMessages) {
    return { ok: false, message: `${String(item.role)} messages are not allowed on this relay (the operator owns the instructions)`, param: `${param}.role` };
  }
  // Only the upstream creates calls of server-side tools; a client-made one (with a made-up
  // output after it) would put words in the relay's mouth.
  if (item.type === 'function_call' && typeof item.name === 'string' && policy.serverToolNames.has(item.name)) {
    return { ok: false, message: `tool ${JSON.stringify(item.name)} is a server-side tool of this relay; only the model can call it`, param: `${param}.name` };
  }
  if (item.type === 'function_call_output' && typeof item.call_id === 'string' && isServerCall(item.call_id)) {
    return { ok: false, message: `call ${item.call_id} is not a call of a client tool that the model made; calls of server-side tools are the relay's to answer`, param: `${param}.call_id` };
  }
  return undefined;
}

/**
 * The `session` of the `session.update` the relay sends when a session opens, so the
 * operator's locked fields, the token cap and the server tools are in force before the
 * client says anything. Undefined when the policy sets nothing.
 */
export function initialSessionConfig(policy: ResolvedSessionPolicy, sessionType: RelaySessionType = 'realtime'): RealtimeSessionConfig | undefined {
  if (sessionType === 'transcription') {
    // A transcription session takes only the locked input settings (no tools, no token cap).
    const locked = transcriptionLocked(policy);
    return Object.keys(locked).length === 0 ? undefined : ({ type: 'transcription', ...locked } as unknown as RealtimeSessionConfig);
  }
  let session: Json = { type: 'realtime' };
  let any = false;
  if (policy.locked !== undefined && Object.keys(policy.locked).length > 0) {
    session = mergeLocked(session, policy.locked as Json);
    any = true;
  }
  const tools = declaredTools(policy, policy.serverToolDeclarations.length > 0 ? [] : undefined);
  if (tools !== undefined) {
    session.tools = tools;
    any = true;
  }
  if (policy.maxOutputTokens !== undefined) {
    session.max_output_tokens = capTokens(policy, session.max_output_tokens ?? 'inf');
    any = true;
  }
  return any ? (session as RealtimeSessionConfig) : undefined;
}

function applySessionUpdate(policy: ResolvedSessionPolicy, event: ClientEventInputMap['session.update']): PolicyResult {
  const session = event.session as Json;
  const served = policy.sessionTypes ?? new Set<RelaySessionType>(['realtime', 'transcription']);
  if (!served.has(session.type as RelaySessionType)) {
    const names = [...served].map((type) => `'${type}'`).join(' or ');
    return { ok: false, message: `this relay serves ${names} sessions: session.type must be ${names}, got ${JSON.stringify(session.type)}`, param: 'session.type' };
  }
  if (session.type === 'transcription') return applyTranscriptionUpdate(policy, event);
  const audio = session.audio as Json | undefined;
  const output = audio?.output as Json | undefined;
  const voiceRefusal = checkVoice(policy, output?.voice, 'session.audio.output.voice');
  if (voiceRefusal) return voiceRefusal;
  const clientTools = session.tools as unknown[] | undefined;
  if (clientTools !== undefined && policy.locked?.tools === undefined) {
    const toolRefusal = checkClientTools(policy, clientTools, 'session.tools');
    if (toolRefusal) return toolRefusal;
  }

  let next: Json = { ...session };
  // The model is fixed by the upstream URL; a client cannot switch to another one.
  delete next.model;
  if (policy.locked !== undefined) next = mergeLocked(next, policy.locked as Json);
  const tools = declaredTools(policy, clientTools);
  if (tools !== undefined) next.tools = tools;
  if (next.max_output_tokens !== undefined) next.max_output_tokens = capTokens(policy, next.max_output_tokens);

  const changed = JSON.stringify(next) !== JSON.stringify(session);
  return { ok: true, event: changed ? ({ ...event, session: next } as ClientEventInput) : undefined };
}

/** The locked fields a transcription session has: `audio.input` and `include`. */
export function transcriptionLocked(policy: ResolvedSessionPolicy): Json {
  const locked = policy.locked as Json | undefined;
  const lockedAudio = isRecord(locked?.audio) ? locked.audio : undefined;
  const fields: Json = {};
  if (lockedAudio?.input !== undefined) fields.audio = { input: lockedAudio.input };
  if (locked?.include !== undefined) fields.include = locked.include;
  return fields;
}

/**
 * A transcription session's `session.update`: response fields are refused (the session has no
 * responses), and the operator's locked input settings (`audio.input`, `include`) apply; the
 * locked response fields (instructions, tools, voice...) do not, as the session has none.
 */
function applyTranscriptionUpdate(policy: ResolvedSessionPolicy, event: ClientEventInputMap['session.update']): PolicyResult {
  const session = event.session as Json;
  for (const field of RESPONSE_SESSION_FIELDS) {
    if (session[field] !== undefined) {
      return { ok: false, message: `a transcription session has no responses: \`${field}\` is not allowed (transcription sessions take audio.input and include)`, param: `session.${field}` };
    }
  }
  const audio = isRecord(session.audio) ? session.audio : undefined;
  if (audio?.output !== undefined) {
    return { ok: false, message: 'a transcription session has no output audio: `audio.output` is not allowed', param: 'session.audio.output' };
  }
  const lockedInput = transcriptionLocked(policy);
  let next: Json = { ...session };
  // The model is fixed by the upstream URL, as in a conversation.
  delete next.model;
  if (Object.keys(lockedInput).length > 0) next = mergeLocked(next, lockedInput);
  const changed = JSON.stringify(next) !== JSON.stringify(session);
  return { ok: true, event: changed ? ({ ...event, session: next } as ClientEventInput) : undefined };
}

function applyResponseCreate(policy: ResolvedSessionPolicy, event: ClientEventInputMap['response.create'], isServerCall: (callId: string) => boolean): PolicyResult {
  const response = event.response as Json | undefined;
  if (response === undefined) return { ok: true, event: undefined };
  const audio = response.audio as Json | undefined;
  const output = audio?.output as Json | undefined;
  const voiceRefusal = checkVoice(policy, output?.voice, 'response.audio.output.voice');
  if (voiceRefusal) return voiceRefusal;
  const clientTools = response.tools as unknown[] | undefined;
  if (clientTools !== undefined && policy.locked?.tools === undefined) {
    const toolRefusal = checkClientTools(policy, clientTools, 'response.tools');
    if (toolRefusal) return toolRefusal;
  }
  const input = response.input as unknown[] | undefined;
  if (input !== undefined) {
    for (const [index, item] of input.entries()) {
      const itemRefusal = checkItem(policy, item, `response.input[${index}]`, isServerCall);
      if (itemRefusal) return itemRefusal;
    }
  }

  const next: Json = { ...response };
  const locked = policy.locked as Json | undefined;
  // Per-response overrides would sidestep the locked session: the locked values win here too.
  if (locked?.instructions !== undefined && next.instructions !== undefined) next.instructions = locked.instructions;
  if (locked?.prompt !== undefined && next.prompt !== undefined) next.prompt = locked.prompt;
  if (output?.voice !== undefined && lockedVoice(policy) !== undefined) {
    next.audio = mergeLocked(audio as Json, { output: { voice: lockedVoice(policy) } });
  }
  if (clientTools !== undefined) next.tools = declaredTools(policy, clientTools);
  if (next.max_output_tokens !== undefined) next.max_output_tokens = capTokens(policy, next.max_output_tokens);

  const changed = JSON.stringify(next) !== JSON.stringify(response);
  return { ok: true, event: changed ? ({ ...event, response: next } as ClientEventInput) : undefined };
}

/**
 * Applies the policy to one validated client event (any type but the audio append, which
 * the relay checks on its fast path). `isServerCall` tells whether a `call_id` belongs to a
 * server-side tool call, which only the relay may answer. In a transcription session
 * (`sessionType`), events about responses and the conversation are refused.
 */
export function applyPolicy(
  policy: ResolvedSessionPolicy,
  event: ClientEventInput,
  isServerCall: (callId: string) => boolean,
  sessionType: RelaySessionType = 'realtime',
): PolicyResult {
  if (sessionType === 'transcription' && RESPONSE_EVENT_TYPES.has(event.type)) {
    return { ok: false, message: `${event.type} is not available in a transcription session (it transcribes input audio and never responds)`, param: 'type' };
  }
  switch (event.type) {
    case 'session.update':
      return applySessionUpdate(policy, event);
    case 'response.create':
      return applyResponseCreate(policy, event, isServerCall);
    case 'conversation.item.create':
      return checkItem(policy, event.item, 'item', isServerCall) ?? { ok: true, event: undefined };
    default:
      return { ok: true, event: undefined };
  }
}
