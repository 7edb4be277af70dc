/**
 * The legacy-config shim. Tutorials still show the flat beta session config (`modalities`,
 * `voice`, `input_audio_format: 'pcm16'`, `turn_detection`, `temperature`, ...); the GA API
 * rejects it. `normalizeSessionConfig` accepts either shape (or a mix), translates the beta
 * fields to their GA places, drops what GA no longer has, and reports both in one warning.
 */
import { RealtimeError } from '../base/errors';
import { isRecord } from '../base/is-record';
import { runCheck } from './check';
import type { Check } from './check';
import {
  realtimeSessionConfigValidator,
  sessionConfigInputValidator,
  transcriptionSessionConfigInputValidator,
  transcriptionSessionConfigValidator,
} from './generated/validators';
import { BETA_AUDIO_FORMATS, BETA_FIELD_RENAMES, describeError, describeValue, formatValue, summarizeIssues, triageIssues } from './issues';
import type { Issue } from './issues';
import { DEFAULT_STRICT_CLIENT_EVENTS } from '../base/defaults';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from './session';
import type { LegacyAudioFormat, SessionConfigInput, TranscriptionSessionConfigInput } from './session-input';

export type { SessionConfigInput, TranscriptionSessionConfigInput } from './session-input';

/** The result of {@link normalizeSessionConfig}. */
export interface NormalizedSessionConfig<Session> {
  /** A valid GA session config, `type` filled in. */
  session: Session;
  /** One message listing every field translated and every field dropped; absent when none. */
  warning?: string;
}

type Fields = Record<string, unknown>;

function configError(message: string, path?: string): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', message, path === undefined ? {} : { path });
}

/**
 * Moves beta fields to their GA places (`BETA_FIELD_RENAMES`) in a fresh GA-shaped object; never
 * mutates the caller's config.
 */
function translate(config: Fields): { session: Fields; translated: string[]; dropped: string[] } {
  const session: Fields = {};
  const translated: string[] = [];
  const dropped: string[] = [];
  const gaAudio = config.audio;
  // Every key of a GA `audio` object is kept (a newer one included); `input` and `output` are
  // copied, since beta fields are merged into them.
  const audio: { input?: Fields; output?: Fields } & Fields = isRecord(gaAudio) ? { ...gaAudio } : {};
  if (isRecord(audio.input)) audio.input = { ...audio.input };
  if (isRecord(audio.output)) audio.output = { ...audio.output };

  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || key === 'audio') continue;
    const target = Object.hasOwn(BETA_FIELD_RENAMES, key) ? BETA_FIELD_RENAMES[key] : undefined;
    if (target === undefined) {
      session[key] = value;
      continue;
    }
    if (target === null) {
      dropped.push(`${key} (GA has no ${key} setting)`);
      continue;
    }
    // `audio.output.voice` goes into the `output` object, `max_output_tokens` into the session.
    const [side, field = target] = target.startsWith('audio.') ? (target.slice(6).split('.') as ['input' | 'output', string]) : [];
    const parent = side === undefined ? session : (audio[side] ??= {});
    if ((side === undefined ? config : parent)[field] !== undefined) {
      throw configError(`session config rejected: it sets both \`${key}\` (beta) and \`${target}\` (GA); keep only the GA field`, key);
    }
    // GA cannot mix modalities: ['audio'] already carries a transcript, so ['text', 'audio'] means audio.
    let moved = value;
    if (key === 'modalities') moved = (value as string[]).includes('audio') ? ['audio'] : ['text'];
    else if (key.endsWith('_audio_format')) moved = { ...BETA_AUDIO_FORMATS[value as LegacyAudioFormat] };
    parent[field] = moved;
    translated.push(moved === value ? `${key} → ${target}` : `${key} ${formatValue(value)} → ${target} ${formatValue(moved)}`);
  }
  // An `audio` that is not an object is left for the schema to refuse, unless beta fields needed one.
  if (gaAudio !== undefined && !isRecord(gaAudio) && audio.input === undefined && audio.output === undefined) session.audio = gaAudio;
  else if (gaAudio !== undefined || audio.input !== undefined || audio.output !== undefined) session.audio = audio;
  return { session, translated, dropped };
}

/** Options of {@link normalizeSessionConfig}. */
export interface NormalizeSessionConfigOptions {
  /**
   * Refuse a field or value the schemas do not know. Off, it is kept as given (a newer API
   * setting; the transport warns once when it is sent); beta names are translated and what is
   * known to be wrong is refused either way.
   * @default false (DEFAULT_STRICT_CLIENT_EVENTS)
   */
  strict?: boolean;
}

/**
 * The issues that refuse `config`: all of them in strict mode, else only what is known to be
 * wrong (judged as fields of a `session`, where the beta names and misspellings live).
 */
function refusing(issues: Issue[], strict: boolean): Issue[] {
  if (strict || issues.length === 0) return issues;
  const { refused } = triageIssues(issues.map((issue) => ({ ...issue, path: ['session', ...issue.path] })), 'session.update');
  // The beta shape is retired, so nothing inside a beta field is newer than voxwire: a value
  // the translation does not know would be translated wrongly, and is refused.
  const inBetaField = (issue: Issue): boolean => typeof issue.path[0] === 'string' && Object.hasOwn(BETA_FIELD_RENAMES, issue.path[0]);
  return [...issues.filter(inBetaField), ...refused.map((issue) => ({ ...issue, path: issue.path.slice(1) })).filter((issue) => !inBetaField(issue))];
}

function jsonCopy(session: Fields): unknown {
  try {
    return JSON.parse(JSON.stringify(session)) as unknown;
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', `session config cannot be serialized as JSON (${describeError(cause)})`, { cause });
  }
}

function validateInput(validator: Check, config: unknown, strict: boolean): void {
  const issues = refusing(runCheck(validator, config).issues, strict);
  if (issues.length === 0) return;
  const summary = summarizeIssues(issues);
  throw configError(`session config rejected: ${summary.message}`, summary.path);
}

/**
 * Turns a session config in the GA shape, the legacy beta shape that tutorials show, or a mix,
 * into a valid GA session config. Beta fields move to their GA places (`modalities` →
 * `output_modalities`, `voice` → `audio.output.voice`, `input_audio_format: 'pcm16'` →
 * `audio.input.format: { type: 'audio/pcm', rate: 24000 }`, `turn_detection` →
 * `audio.input.turn_detection`, `max_response_output_tokens` → `max_output_tokens`, ...);
 * `temperature` is dropped (GA has none). The config may be partial, as a `session.update`
 * may be: only `type` is filled in (`'realtime'` unless given).
 *
 * @returns the GA config and, when anything was translated or dropped, ONE warning string
 * listing it all (log it once; the SDK never logs by itself).
 * @throws `RealtimeError` (from `voxwire`) `VOXWIRE_INVALID_SESSION_CONFIG` naming the offending field
 * when the config is not valid in either shape, or sets a beta field and its GA replacement.
 *
 * @example
 * ```ts
 * const { session, warning } = normalizeSessionConfig({ modalities: ['text', 'audio'], voice: 'marin', temperature: 0.8 });
 * // session: { type: 'realtime', output_modalities: ['audio'], audio: { output: { voice: 'marin' } } }
 * if (warning) logger.warn(warning);
 * ```
 */
export function normalizeSessionConfig(
  config: TranscriptionSessionConfigInput,
  options?: NormalizeSessionConfigOptions,
): NormalizedSessionConfig<TranscriptionSessionConfig>;
export function normalizeSessionConfig(config: SessionConfigInput, options?: NormalizeSessionConfigOptions): NormalizedSessionConfig<RealtimeSessionConfig>;
export function normalizeSessionConfig(
  config: SessionConfigInput | TranscriptionSessionConfigInput,
  options?: NormalizeSessionConfigOptions,
): NormalizedSessionConfig<RealtimeSessionConfig | TranscriptionSessionConfig> {
  const strict = options?.strict ?? DEFAULT_STRICT_CLIENT_EVENTS;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw configError(`session config must be an object, got ${describeValue(config)}`);
  }
  const type: unknown = (config as Fields).type;
  if (type !== undefined && type !== 'realtime' && type !== 'transcription') {
    throw configError(`session config rejected: \`type\` must be 'realtime' or 'transcription', got ${describeValue(type)}`, 'type');
  }
  const transcription = type === 'transcription';
  validateInput(transcription ? transcriptionSessionConfigInputValidator : sessionConfigInputValidator, config, strict);

  const { session, translated, dropped } = translate(config as Fields);
  session.type = transcription ? 'transcription' : 'realtime';
  const gaValidator = transcription ? transcriptionSessionConfigValidator : realtimeSessionConfigValidator;
  // Copy mode, as zod's parse: the result holds exactly the validated keys. With fields the
  // schemas do not know (kept outside strict mode), a JSON copy of the whole config is the result.
  let result = runCheck(gaValidator, session, true);
  if (result.issues.length > 0 && !strict) result = runCheck(gaValidator, jsonCopy(session));
  const issues = refusing(result.issues, strict);
  if (issues.length > 0) {
    const summary = summarizeIssues(issues);
    throw configError(`session config is not valid GA after translation: ${summary.message}`, summary.path);
  }

  const parts: string[] = [];
  if (translated.length > 0) parts.push(`translated ${translated.join('; ')}`);
  if (dropped.length > 0) parts.push(`dropped ${dropped.join('; ')}`);
  const normalized: NormalizedSessionConfig<RealtimeSessionConfig | TranscriptionSessionConfig> = {
    session: result.value as RealtimeSessionConfig | TranscriptionSessionConfig,
  };
  if (parts.length > 0) {
    normalized.warning = `voxwire: legacy (beta) session config converted to GA: ${parts.join('. ')}. Use the GA shape to silence this warning.`;
  }
  return normalized;
}
