/**
 * The config a `LiveClient` opens a session with. GPT-Live has no resume: after a drop the new
 * session either starts from the app's config seeded with the transcript as `input` (history), or
 * forks the stored session, which inherits everything but what a fork may change.
 */
import type { RealtimeError } from '../base/errors';
import type { AudioFormatLike } from '../codec/audio-format';
import type { LiveForkSessionConfig, LiveSessionConfig, LiveSessionResource } from '../events/live';
import type { ToolRegistry } from '../tools/registry';

type DelegationTools = NonNullable<Extract<LiveSessionConfig['delegation'], { type: 'responses' }>['responses']['tools']>;

/** The session's delegation tools: others the config declares (hosted tools), then the registry's function tools. */
export function delegationTools(desired: LiveSessionConfig, tools: ToolRegistry): DelegationTools {
  const registered = tools.toSessionTools().map(({ type, name, description, parameters }) => ({ type, name, description, parameters }));
  const names = new Set(registered.map((tool) => tool.name));
  const delegation = desired.delegation;
  const declared = delegation?.type === 'responses' ? (delegation.responses.tools ?? []) : [];
  return [...declared.filter((tool) => !('name' in tool && typeof tool.name === 'string' && names.has(tool.name))), ...registered];
}

/** The startup config: the app's, with the registry's tools and, after a drop, the transcript as `history`. */
export function startConfig(desired: LiveSessionConfig, tools: ToolRegistry, history: LiveSessionConfig['input'] | undefined): LiveSessionConfig {
  const config: LiveSessionConfig = { ...desired };
  const delegation = config.delegation;
  if (delegation?.type === 'responses') config.delegation = { ...delegation, responses: { ...delegation.responses, tools: delegationTools(desired, tools) } };
  if (history && history.length > 0) config.input = history;
  return config;
}

/** A fork inherits the stored session; only what may differ is sent. */
export function forkConfig(desired: LiveSessionConfig, tools: ToolRegistry): LiveForkSessionConfig {
  const config: LiveForkSessionConfig = { store: true };
  const format = desired.audio?.format;
  if (format) config.audio = { format };
  if (desired.delegation?.type === 'responses') config.delegation = { type: 'responses', responses: { tools: delegationTools(desired, tools) } };
  return config;
}

/** `…/v1/live/sessions/{id}/fork` beside the transport's endpoint (`url`: WebSocket only). */
export function forkUrl(transport: object, sessionId: string): string | undefined {
  const base = (transport as { url?: unknown }).url;
  if (typeof base !== 'string') return undefined;
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(sessionId)}/fork`;
  return url.toString();
}

/** The session's WebSocket audio format: the server's word, else what was asked for, else 24 kHz PCM16. */
export function outputFormat(confirmed: LiveSessionResource | undefined, desired: LiveSessionConfig): AudioFormatLike {
  const format = confirmed?.audio?.format;
  if (format && typeof format.type === 'string') return { type: format.type, rate: format.rate ?? undefined };
  return desired.audio?.format ?? { type: 'audio/pcm', rate: 24000 };
}

/**
 * Whether a failed fork attempt means the fork will not work (so the next attempt seeds history
 * instead): the server answered it with an `error` (not stored, gone), refused its upgrade with
 * an HTTP 4xx (as `ws` reports it), or it failed `attempts` times in a row (a browser's
 * WebSocket gives no status).
 */
export function forkRefused(error: RealtimeError, attempts: number): boolean {
  return error.code === 'VOXWIRE_SERVER_ERROR' || (error.code === 'VOXWIRE_CONNECTION_FAILED' && /\b4\d\d\b/.test(error.message)) || attempts >= 2;
}
