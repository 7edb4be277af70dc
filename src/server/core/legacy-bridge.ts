/**
 * The relay's bridge for beta (`realtime=v1`) clients. Tutorials from 2024–2025 still show the
 * beta shape: a flat `session.update` (`modalities`, `voice`, `input_audio_format: 'pcm16'`,
 * `turn_detection`, ...), and a client that listens for `response.audio.delta`,
 * `response.audio_transcript.delta`, `response.text.delta` and `conversation.item.created`. The
 * API switched the beta shape off in 2026, so such a client gets a refusal, then silence.
 *
 * With `policy.betaClients: 'translate'` the relay speaks beta to that client and GA upstream:
 * its session config and response parameters go through {@link normalizeSessionConfig}, its
 * assistant items get GA content types, and GA server events come back under the beta names
 * (and beta item, response and session shapes). The client gets one `voxwire.warning` saying
 * what to migrate. A beta client is recognised by the `OpenAI-Beta: realtime=v1` header, the
 * `openai-beta.realtime-v1` subprotocol, or the flat config of its first beta-shaped event.
 *
 * Without the option, {@link betaFieldsOf} lets the relay refuse a beta-shaped event naming every
 * beta field at once (a readable migration list, not one field per round trip).
 */
import { normalizeSessionConfig } from '../../events/legacy-session';
import { BETA_FIELD_RENAMES } from '../../events/issues';
import { RealtimeError } from '../../base/errors';
import { RELAY_WARNING_EVENT_TYPE } from '../../events/voxwire-events';
import { peekEventType } from './frame-scan';
import { relayEventId } from './ids';
import type { Json } from './policy';
import type { RelayFrame } from './socket';
import { isRecord } from '../../base/is-record';

/** What the relay does with a beta-shaped client: refuse its beta fields, or translate both ways. */
export type BetaClientsMode = 'refuse' | 'translate';

/** A beta field found in a client event, with the GA field that replaced it (`null`: none). */
export interface BetaField {
  /** Dotted path in the event (`session.modalities`). */
  path: string;
  /** The GA path that replaced it, relative to the event, or `null` when GA has no such field. */
  ga: string | null;
}

/** Beta `response.create` fields and their GA places (the response's own beta names). */
const BETA_RESPONSE_FIELDS: Readonly<Record<string, string | null>> = {
  modalities: 'output_modalities',
  voice: 'audio.output.voice',
  output_audio_format: 'audio.output.format',
  max_response_output_tokens: 'max_output_tokens',
  temperature: null,
};

/** GA server event types and the beta names a beta client listens for. */
const BETA_EVENT_NAMES: Readonly<Record<string, string>> = {
  'response.output_audio.delta': 'response.audio.delta',
  'response.output_audio.done': 'response.audio.done',
  'response.output_audio_transcript.delta': 'response.audio_transcript.delta',
  'response.output_audio_transcript.done': 'response.audio_transcript.done',
  'response.output_text.delta': 'response.text.delta',
  'response.output_text.done': 'response.text.done',
  'conversation.item.added': 'conversation.item.created',
};

/** GA assistant content types and their beta names, both ways. */
const BETA_CONTENT_TYPES: Readonly<Record<string, string>> = { output_text: 'text', output_audio: 'audio' };
const GA_CONTENT_TYPES: Readonly<Record<string, string>> = { text: 'output_text', audio: 'output_audio' };

/** GA audio formats as beta format names. */
function betaFormat(format: unknown): unknown {
  if (!isRecord(format)) return format;
  if (format.type === 'audio/pcm') return 'pcm16';
  if (format.type === 'audio/pcmu') return 'g711_ulaw';
  if (format.type === 'audio/pcma') return 'g711_alaw';
  return format;
}

function fieldsIn(object: unknown, renames: Readonly<Record<string, string | null>>, prefix: string): BetaField[] {
  if (!isRecord(object)) return [];
  return Object.keys(object)
    .filter((key) => Object.hasOwn(renames, key) && object[key] !== undefined)
    .map((key) => ({ path: `${prefix}.${key}`, ga: renames[key] === null ? null : `${prefix}.${renames[key]}` }));
}

/** The beta fields of a client event (session config, response parameters, assistant content types); empty for GA. */
export function betaFieldsOf(event: Json): BetaField[] {
  switch (event.type) {
    case 'session.update':
      return fieldsIn(event.session, BETA_FIELD_RENAMES, 'session');
    case 'response.create':
      return fieldsIn(event.response, BETA_RESPONSE_FIELDS, 'response');
    case 'conversation.item.create': {
      const item = event.item;
      if (!isRecord(item) || item.role !== 'assistant' || !Array.isArray(item.content)) return [];
      return item.content.flatMap((part, index) =>
        isRecord(part) && typeof part.type === 'string' && Object.hasOwn(GA_CONTENT_TYPES, part.type)
          ? [{ path: `item.content[${index}].type '${part.type}'`, ga: `'${GA_CONTENT_TYPES[part.type]}'` }]
          : [],
      );
    }
    default:
      return [];
  }
}

function describeFields(fields: readonly BetaField[]): string {
  return fields.map((field) => `\`${field.path}\` (${field.ga === null ? 'GA has none' : `GA: \`${field.ga}\``})`).join(', ');
}

/** The refusal of a beta-shaped event: every beta field with its GA name, and the way out. */
export function betaRefusalMessage(type: string, fields: readonly BetaField[]): string {
  return (
    `${type} uses the retired beta (realtime=v1) shape: ${describeFields(fields)}. ` +
    `Send the GA shape${type === 'session.update' ? " (with session.type: 'realtime')" : ''}, or ask the relay's operator to set policy.betaClients: 'translate'.`
  );
}

/** A frame as a JSON object with a string `type`, or undefined (never throws). */
export function parseTypedObject(frame: RelayFrame): (Json & { type: string }) | undefined {
  let event: unknown;
  try {
    event = JSON.parse(typeof frame === 'string' ? frame : new TextDecoder().decode(frame));
  } catch {
    return undefined;
  }
  return isRecord(event) && typeof event.type === 'string' ? (event as Json & { type: string }) : undefined;
}

/** Whether a connection request declares the beta interface: `OpenAI-Beta: realtime=v1` or the `openai-beta.realtime-v1` subprotocol. */
export function requestSpeaksBeta(headers: Headers): boolean {
  const beta = headers.get('openai-beta') ?? '';
  if (/(^|[\s,])realtime=v1\b/.test(beta)) return true;
  const protocols = (headers.get('sec-websocket-protocol') ?? '').split(',').map((protocol) => protocol.trim());
  return protocols.includes('openai-beta.realtime-v1');
}

/** The outcome of translating one client frame. */
export type BridgeClientResult =
  | {
      /** The frame may go on. */
      ok: true;
      /** The frame to parse and police: the original, or its GA translation. */
      frame: RelayFrame;
    }
  | {
      /** The beta frame cannot be translated. */
      ok: false;
      /** Why, for the client's `error` event. */
      message: string;
      /** The offending field. */
      param: string | undefined;
    };

/**
 * One session's bridge. Inactive until the connection declared the beta interface or the client
 * sent a beta-shaped event; from then on it translates both ways.
 */
export class LegacyBridge {
  #active: boolean;
  #warned = false;
  readonly #migrate = new Set<string>();

  /** @param declared - The connection request declared the beta interface ({@link requestSpeaksBeta}). */
  constructor(declared: boolean) {
    this.#active = declared;
  }

  /** True once the client is known to speak beta. */
  get active(): boolean {
    return this.#active;
  }

  /**
   * Translates a client event from beta to GA (activating the bridge on the first beta field).
   * GA events of an active client pass unchanged.
   */
  toUpstream(frame: RelayFrame, event: Json): BridgeClientResult {
    const fields = betaFieldsOf(event);
    const sessionWithoutType = event.type === 'session.update' && isRecord(event.session) && event.session.type === undefined;
    if (fields.length === 0 && !(this.#active && sessionWithoutType)) return { ok: true, frame };
    this.#active = true;
    for (const field of fields) this.#migrate.add(`${field.path} → ${field.ga ?? '(removed)'}`);
    try {
      return { ok: true, frame: JSON.stringify(this.#translateClientEvent(event)) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const param = error instanceof RealtimeError ? error.path : undefined;
      return { ok: false, message: `${String(event.type)} could not be translated from the beta shape: ${message}`, param };
    }
  }

  #translateClientEvent(event: Json): Json {
    if (event.type === 'session.update' && isRecord(event.session)) {
      const { session } = normalizeSessionConfig(event.session as Parameters<typeof normalizeSessionConfig>[0]);
      return { ...event, session };
    }
    if (event.type === 'response.create' && isRecord(event.response)) {
      const beta: Json = {};
      const rest: Json = {};
      for (const [key, value] of Object.entries(event.response)) {
        if (Object.hasOwn(BETA_RESPONSE_FIELDS, key)) beta[key] = value;
        else rest[key] = value;
      }
      const { session } = normalizeSessionConfig(beta);
      const { type: _type, ...ga } = session as Json;
      const restAudio = isRecord(rest.audio) ? rest.audio : {};
      const gaAudio = isRecord(ga.audio) ? ga.audio : undefined;
      const audio = gaAudio === undefined ? rest.audio : { ...restAudio, output: { ...(isRecord(restAudio.output) ? restAudio.output : {}), ...(isRecord(gaAudio.output) ? gaAudio.output : {}) } };
      const response: Json = { ...rest, ...ga };
      if (audio !== undefined) response.audio = audio;
      return { ...event, response };
    }
    if (event.type === 'conversation.item.create' && isRecord(event.item) && Array.isArray(event.item.content)) {
      const content = event.item.content.map((part) =>
        isRecord(part) && typeof part.type === 'string' && Object.hasOwn(GA_CONTENT_TYPES, part.type) ? { ...part, type: GA_CONTENT_TYPES[part.type] } : part,
      );
      return { ...event, item: { ...event.item, content } };
    }
    return event;
  }

  /**
   * The one warning for a client the bridge translates, or undefined when it was sent already
   * (or the client is not a beta client).
   */
  takeWarning():
    | {
        /** The `voxwire.warning` event, serialised, for the client. */
        frame: string;
        /** The same message, for the relay's logger. */
        message: string;
      }
    | undefined {
    if (!this.#active || this.#warned) return undefined;
    this.#warned = true;
    const fields = [...this.#migrate];
    const message =
      'voxwire relay: this client speaks the retired beta Realtime interface (realtime=v1); the relay translates it to GA for now. ' +
      `Migrate to the GA shape: ${fields.length > 0 ? `${fields.join(', ')}; ` : ''}` +
      'listen for response.output_audio.delta, response.output_audio_transcript.delta, response.output_text.delta and conversation.item.added; ' +
      "send session.update with session.type: 'realtime'; drop the OpenAI-Beta header.";
    return { frame: JSON.stringify({ type: RELAY_WARNING_EVENT_TYPE, event_id: relayEventId(), code: 'beta_protocol_translated', message, migrate: fields }), message };
  }

  /** Translates a server frame for a beta client; frames of an inactive bridge pass unchanged. */
  toClient(frame: RelayFrame): RelayFrame {
    if (!this.#active) return frame;
    const type = peekEventType(frame);
    if (type === 'response.output_audio.delta' && typeof frame === 'string') {
      // The hot path: base64 audio holds no quote, so the only such string is the type.
      return frame.replace('"response.output_audio.delta"', '"response.audio.delta"');
    }
    const event = parseTypedObject(frame);
    return event === undefined ? frame : JSON.stringify(toBetaEvent(event));
  }
}

function toBetaContent(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  return content.map((part) => (isRecord(part) && typeof part.type === 'string' && Object.hasOwn(BETA_CONTENT_TYPES, part.type) ? { ...part, type: BETA_CONTENT_TYPES[part.type] } : part));
}

function toBetaItem(item: unknown): unknown {
  return isRecord(item) && Array.isArray(item.content) ? { ...item, content: toBetaContent(item.content) } : item;
}

function toBetaResponse(response: unknown): unknown {
  if (!isRecord(response)) return response;
  const { output_modalities: modalities, ...rest } = response;
  const beta: Json = { ...rest, output: Array.isArray(rest.output) ? rest.output.map(toBetaItem) : rest.output };
  // Beta audio responses listed text too (the transcript); GA's ['audio'] means the same.
  if (Array.isArray(modalities)) beta.modalities = modalities.includes('audio') ? ['text', 'audio'] : modalities;
  return beta;
}

/** A GA session as the flat beta session object a beta client reads. */
function toBetaSession(session: unknown): unknown {
  if (!isRecord(session) || session.type !== 'realtime') return session;
  const { type: _type, output_modalities: modalities, audio, max_output_tokens: maxTokens, ...rest } = session;
  const input = isRecord(audio) && isRecord(audio.input) ? audio.input : {};
  const output = isRecord(audio) && isRecord(audio.output) ? audio.output : {};
  const beta: Json = { ...rest };
  if (Array.isArray(modalities)) beta.modalities = modalities.includes('audio') ? ['text', 'audio'] : modalities;
  if (output.voice !== undefined) beta.voice = output.voice;
  if (output.speed !== undefined) beta.speed = output.speed;
  if (input.format !== undefined) beta.input_audio_format = betaFormat(input.format);
  if (output.format !== undefined) beta.output_audio_format = betaFormat(output.format);
  if (input.transcription !== undefined) beta.input_audio_transcription = input.transcription;
  if (input.noise_reduction !== undefined) beta.input_audio_noise_reduction = input.noise_reduction;
  if (input.turn_detection !== undefined) beta.turn_detection = input.turn_detection;
  if (maxTokens !== undefined) beta.max_response_output_tokens = maxTokens;
  return beta;
}

/** A GA server event under its beta name and in its beta shape; unknown events pass whole. */
export function toBetaEvent(event: Json): Json {
  const type = event.type as string;
  const renamed: Json = Object.hasOwn(BETA_EVENT_NAMES, type) ? { ...event, type: BETA_EVENT_NAMES[type] } : { ...event };
  if ('item' in renamed) renamed.item = toBetaItem(renamed.item);
  if (isRecord(renamed.part) && typeof renamed.part.type === 'string' && Object.hasOwn(BETA_CONTENT_TYPES, renamed.part.type)) {
    renamed.part = { ...renamed.part, type: BETA_CONTENT_TYPES[renamed.part.type] };
  }
  if (type === 'response.created' || type === 'response.done') renamed.response = toBetaResponse(renamed.response);
  if (type === 'session.created' || type === 'session.updated') renamed.session = toBetaSession(renamed.session);
  return renamed;
}
