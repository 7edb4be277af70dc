/**
 * The relay's policy for GPT-Live sessions. Live fixes its config at start, so the lock is
 * applied to the client's first event, `session.start`: the operator's locked fields (model,
 * instructions, voice, delegation with its tools, startup input, store...) replace the
 * client's, the relay's server tools are declared in the Responses delegation, voices and
 * client tools are checked as for Realtime, and the result is checked field by field the way
 * the Live server checks it (`checkLiveSessionConfig`: an unknown field is refused). Later,
 * `session.update` may change only delegation settings and triggers, and never a locked one.
 * Pure functions over validated events: no I/O, no state.
 */
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { LiveSessionConfig } from '../../events/live/session';
import { checkClientTools, checkVoice, mergeLocked, type Json, type ResolvedSessionPolicy } from './policy';
import { isRecord } from '../../base/is-record';

/**
 * Live session fields the operator owns (`RelayCoreOptions.live.session`): whatever the client
 * sends for these in `session.start` is replaced (`audio` merges field by field, the operator's
 * fields winning; `delegation`, `input` and `triggers` are replaced whole). `model` defaults to
 * the relay's model.
 */
export type RelayLiveLockedSession = Partial<LiveSessionConfig>;

/** The outcome of applying the Live policy to one client event. */
export type LivePolicyResult =
  | {
      /** The event may be forwarded. */
      ok: true;
      /** The rewritten event, or undefined when the checked event stands. */
      event: Json | undefined;
    }
  | {
      /** The event is refused. */
      ok: false;
      /** Why, for the `error` event sent to the client. */
      message: string;
      /** The offending field's path in the client event. */
      param?: string;
      /** True when the event is not a valid Live event (as opposed to one the policy forbids). */
      invalid?: boolean;
    };

/** What the Live policy of one session is made from. */
export interface LivePolicyInput {
  /** The relay-wide policy (voices, client tools, server tools, system messages). */
  readonly policy: ResolvedSessionPolicy;
  /** The operator's locked Live fields for this session, or undefined for none. */
  readonly locked: RelayLiveLockedSession | undefined;
  /** The model every session uses unless `locked.model` says otherwise. */
  readonly model: string;
  /** Whether the client may add developer context (startup developer messages, `session.instructions.append`). */
  readonly allowDeveloperContext: boolean;
}

/** Client event types that add developer context: refused when the operator owns the instructions. */
const INSTRUCTION_EVENT_TYPES: ReadonlySet<string> = new Set(['session.instructions.append']);

function refuse(message: string, param?: string): LivePolicyResult {
  return param === undefined ? { ok: false, message } : { ok: false, message, param };
}

/** The Responses tools of a delegation, or undefined when it has none. */
function responsesOf(delegation: unknown): Json | undefined {
  if (!isRecord(delegation) || delegation.type !== 'responses') return undefined;
  return isRecord(delegation.responses) ? delegation.responses : undefined;
}

/** A delegation with the relay's server tools declared after the tools it has. */
function withServerTools(input: LivePolicyInput, delegation: Json): Json {
  const declarations = input.policy.serverToolDeclarations;
  const responses = responsesOf(delegation);
  if (declarations.length === 0 || responses === undefined) return delegation;
  const tools = Array.isArray(responses.tools) ? responses.tools : [];
  return { ...delegation, responses: { ...responses, tools: [...tools, ...declarations] } };
}

/** The client's Responses tools, checked against `policy.clientTools` and the server tools' names. */
function checkDelegationTools(input: LivePolicyInput, delegation: unknown, param: string): LivePolicyResult | undefined {
  const tools = responsesOf(delegation)?.tools;
  if (!Array.isArray(tools)) return undefined;
  return checkClientTools(input.policy, tools, `${param}.responses.tools`);
}

/** Developer messages in the startup history act as instructions. */
function checkStartupInput(input: LivePolicyInput, history: unknown): LivePolicyResult | undefined {
  if (input.allowDeveloperContext || !Array.isArray(history)) return undefined;
  const index = history.findIndex((item) => isRecord(item) && (item.role === 'developer' || item.role === 'system'));
  if (index < 0) return undefined;
  return refuse('developer messages in the startup input are not allowed on this relay (the operator owns the instructions)', `session.input[${index}].role`);
}

/**
 * A client's `session.start`: the locked fields replace the client's, server tools are declared,
 * and the whole config is checked as the Live server checks it. Refused when the client names a
 * voice or a tool the policy does not allow, or when the result is not a valid Live config.
 */
export function applyLiveStart(input: LivePolicyInput, event: Json): LivePolicyResult {
  const session = isRecord(event.session) ? event.session : {};
  const locked = (input.locked ?? {}) as Json;
  const lockedAudio = isRecord(locked.audio) ? locked.audio : undefined;
  const lockedVoice = isRecord(lockedAudio?.output) ? lockedAudio.output.voice : undefined;
  if (lockedVoice === undefined) {
    const audio = isRecord(session.audio) ? session.audio : undefined;
    const voice = isRecord(audio?.output) ? audio.output.voice : undefined;
    const refusal = checkVoice(input.policy, voice, 'session.audio.output.voice');
    if (refusal !== undefined && !refusal.ok) return refuse(refusal.message, refusal.param);
  }
  if (locked.delegation === undefined) {
    const refusal = checkDelegationTools(input, session.delegation, 'session.delegation');
    if (refusal !== undefined) return refusal;
  }
  if (locked.input === undefined) {
    const refusal = checkStartupInput(input, session.input);
    if (refusal !== undefined) return refusal;
  }

  // Replaced whole, never merged: a client's backend instructions or tools inside a locked
  // delegation, or its own history beside the operator's, would get around the lock.
  const replaced: Json = { ...session };
  for (const field of ['delegation', 'input', 'triggers'] as const) {
    if (locked[field] !== undefined) delete replaced[field];
  }
  const next = mergeLocked(replaced, locked);
  next.model = typeof locked.model === 'string' ? locked.model : input.model;
  if (input.policy.serverToolDeclarations.length > 0) {
    if (responsesOf(next.delegation) === undefined) {
      return refuse("this relay runs server tools, which GPT-Live calls through Responses delegation: session.delegation must be { type: 'responses', responses: { model, ... } }", 'session.delegation');
    }
    next.delegation = withServerTools(input, next.delegation as Json);
  }
  const problem = checkLiveSessionConfig(next);
  if (problem !== undefined) return { ok: false, invalid: true, message: `Live session config rejected: ${problem.message}`, param: problem.path === '' ? 'session' : `session.${problem.path}` };
  return { ok: true, event: { ...event, session: next } };
}

/**
 * A client's `session.update` (already limited to `delegation` and `triggers` by the parser):
 * locked triggers cannot change, a locked delegation's fields win over the client's, client
 * tools are checked, and the server tools stay declared whenever the tools are replaced.
 */
export function applyLiveUpdate(input: LivePolicyInput, event: Json): LivePolicyResult {
  const session = isRecord(event.session) ? event.session : {};
  const locked = (input.locked ?? {}) as Json;
  if (session.triggers !== undefined && locked.triggers !== undefined) {
    return refuse('session.triggers are set by this relay and cannot be changed', 'session.triggers');
  }
  if (session.delegation === undefined || session.delegation === null) {
    if (session.delegation === null && (locked.delegation !== undefined || input.policy.serverToolDeclarations.length > 0)) {
      return refuse('session.delegation is set by this relay and cannot be cleared', 'session.delegation');
    }
    return { ok: true, event: undefined };
  }
  const asked = session.delegation as Json;
  const lockedDelegation = isRecord(locked.delegation) ? locked.delegation : undefined;
  if (lockedDelegation !== undefined && asked.type !== lockedDelegation.type) {
    return refuse(`session.delegation.type is set by this relay (${JSON.stringify(lockedDelegation.type)}) and cannot be changed`, 'session.delegation.type');
  }
  const askedTools = responsesOf(asked)?.tools;
  const lockedTools = responsesOf(lockedDelegation)?.tools;
  if (lockedTools === undefined) {
    const refusal = checkDelegationTools(input, asked, 'session.delegation');
    if (refusal !== undefined) return refusal;
  }
  let delegation: Json = lockedDelegation === undefined ? asked : mergeLocked(asked, lockedDelegation);
  // A client that replaces the tools keeps the relay's server tools declared after its own.
  if (askedTools !== undefined || lockedTools !== undefined) delegation = withServerTools(input, delegation);
  const next = { ...session, delegation };
  return JSON.stringify(next) === JSON.stringify(session) ? { ok: true, event: undefined } : { ok: true, event: { ...event, session: next } };
}

/**
 * Any other Live client event: developer context is refused when the operator owns the
 * instructions, and a `response.item.create` cannot make or answer a call of a server tool
 * (only the model calls them, only the relay answers them).
 */
export function applyLiveEvent(input: LivePolicyInput, event: Json, isServerCall: (callId: string) => boolean): LivePolicyResult {
  const type = event.type as string;
  if (type === 'session.start') return applyLiveStart(input, event);
  if (type === 'session.update') return applyLiveUpdate(input, event);
  if (INSTRUCTION_EVENT_TYPES.has(type) && !input.allowDeveloperContext) {
    return refuse(`${type} is not allowed on this relay (the operator owns the instructions)`, 'type');
  }
  if (type !== 'response.item.create' || !isRecord(event.item)) return { ok: true, event: undefined };
  const item = event.item;
  if ((item.role === 'system' || item.role === 'developer') && !input.allowDeveloperContext) {
    return refuse(`${String(item.role)} messages are not allowed on this relay (the operator owns the instructions)`, 'item.role');
  }
  if (item.type === 'function_call' && typeof item.name === 'string' && input.policy.serverToolNames.has(item.name)) {
    return refuse(`tool ${JSON.stringify(item.name)} is a server-side tool of this relay; only the model can call it`, 'item.name');
  }
  if (item.type === 'function_call_output' && typeof item.call_id === 'string' && isServerCall(item.call_id)) {
    return refuse(`call ${item.call_id} is a call of a server-side tool of this relay; the relay answers it`, 'item.call_id');
  }
  return { ok: true, event: undefined };
}
