/**
 * Twilio Media Streams (bidirectional, `<Connect><Stream>`): the adapter for the bridge, and
 * the voice webhook that answers a call with the TwiML connecting its stream. Message shapes
 * from Twilio's "Media Streams - WebSocket Messages" page: in, `connected`, `start`
 * (`streamSid`, `start.callSid`, `start.customParameters`, `start.mediaFormat` =
 * `audio/x-mulaw` at 8000 Hz), `media` (`media.payload`), `mark` (`mark.name`), `dtmf`
 * (`dtmf.digit`), `stop`; out, `media`, `mark` and `clear`, each with the `streamSid`.
 */
import { RealtimeError } from '../../base/errors';
import type { TelephonyAdapter, TelephonyAudioFormat, TelephonyEvent } from './telephony-adapter';
import { isRecord } from '../../base/is-record';

type Json = Record<string, unknown>;

function formatOf(mediaFormat: unknown): TelephonyAudioFormat | undefined {
  if (!isRecord(mediaFormat)) return undefined;
  const encoding = String(mediaFormat.encoding ?? '').toLowerCase();
  if (mediaFormat.sampleRate !== undefined && mediaFormat.sampleRate !== 8000) return undefined;
  if (encoding === 'audio/x-mulaw') return 'audio/pcmu';
  if (encoding === 'audio/x-alaw') return 'audio/pcma';
  return undefined;
}

/** The Twilio Media Streams protocol. */
export const twilioMediaStreams: TelephonyAdapter = {
  name: 'twilio',
  parse(frame: string): TelephonyEvent | undefined {
    let message: unknown;
    try {
      message = JSON.parse(frame);
    } catch {
      return undefined;
    }
    if (!isRecord(message) || typeof message.event !== 'string') return undefined;
    switch (message.event) {
      case 'start': {
        const start = isRecord(message.start) ? message.start : {};
        const streamId = typeof message.streamSid === 'string' ? message.streamSid : typeof start.streamSid === 'string' ? start.streamSid : undefined;
        if (streamId === undefined) return { type: 'other', event: message };
        const parameters: Record<string, string> = {};
        if (isRecord(start.customParameters)) for (const [key, value] of Object.entries(start.customParameters)) if (typeof value === 'string') parameters[key] = value;
        return { type: 'start', streamId, callId: typeof start.callSid === 'string' ? start.callSid : undefined, parameters, format: formatOf(start.mediaFormat) };
      }
      case 'media': {
        const media = isRecord(message.media) ? message.media : {};
        // A bidirectional stream carries the caller's track only; skip anything else.
        if (typeof media.payload !== 'string' || (media.track !== undefined && media.track !== 'inbound')) return { type: 'other', event: message };
        return { type: 'media', payload: media.payload };
      }
      case 'mark': {
        const mark = isRecord(message.mark) ? message.mark : {};
        return typeof mark.name === 'string' ? { type: 'mark', name: mark.name } : { type: 'other', event: message };
      }
      case 'dtmf': {
        const dtmf = isRecord(message.dtmf) ? message.dtmf : {};
        return typeof dtmf.digit === 'string' ? { type: 'dtmf', digit: dtmf.digit } : { type: 'other', event: message };
      }
      case 'stop':
        return { type: 'stop' };
      default:
        return { type: 'other', event: message };
    }
  },
  media: (streamId, payload) => `{"event":"media","streamSid":${JSON.stringify(streamId)},"media":{"payload":"${payload}"}}`,
  mark: (streamId, name) => JSON.stringify({ event: 'mark', streamSid: streamId, mark: { name } }),
  clear: (streamId) => JSON.stringify({ event: 'clear', streamSid: streamId }),
};

/** Options of {@link createTwilioVoiceHandler}. */
export interface TwilioVoiceHandlerOptions {
  /** The Media Streams WebSocket URL (`wss://.../twilio/media`), or a function of the request. */
  streamUrl: string | ((request: Request) => string);
  /**
   * `<Parameter>`s for the stream (they arrive in `start.customParameters`), from Twilio's
   * form fields (`CallSid`, `From`, `To`...). Twilio's fields are the caller network's word:
   * verify the request (`authToken`) before trusting them.
   * @default (form) => ({ from: form.From, to: form.To })
   */
  parameters?: (form: Readonly<Record<string, string>>, request: Request) => Record<string, string | undefined>;
  /**
   * The account's auth token: requests without a valid `X-Twilio-Signature` are refused (403).
   * @default undefined (not checked: put the handler behind your own authentication)
   */
  authToken?: string;
  /**
   * The URL Twilio signed (the public one, when a proxy rewrites it).
   * @default request.url
   */
  publicUrl?: (request: Request) => string;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char] ?? char);
}

/** The TwiML that connects a call to a bidirectional stream. */
export function connectStreamTwiml(streamUrl: string, parameters: Readonly<Record<string, string | undefined>> = {}): string {
  const params = Object.entries(parameters)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="${escapeXml(streamUrl)}">${params}</Stream></Connect></Response>`;
}

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, of the URL followed
 * by every POST field's name and value, sorted by name (Twilio's "Webhooks security" page).
 */
export async function twilioSignature(authToken: string, url: string, form: Readonly<Record<string, string>>): Promise<string> {
  const data = url + Object.keys(form).sort().map((key) => key + form[key]).join('');
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data)));
  let binary = '';
  for (const byte of signature) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/**
 * A Web-standard handler for Twilio's voice webhook (the number's "A call comes in" URL): it
 * answers with `<Connect><Stream>` to the bridge, passing the caller's number as a parameter.
 *
 * @example
 * ```ts
 * export const POST = createTwilioVoiceHandler({ streamUrl: 'wss://voice.example.com/twilio/media', authToken: process.env.TWILIO_AUTH_TOKEN });
 * ```
 */
export function createTwilioVoiceHandler(options: TwilioVoiceHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof options?.streamUrl !== 'string' && typeof options?.streamUrl !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'createTwilioVoiceHandler: `streamUrl` must be the wss:// URL of the Media Streams bridge.', { path: 'streamUrl' });
  }
  return async (request) => {
    const form: Record<string, string> = {};
    if (request.method === 'POST') {
      const text = await request.text().catch(() => '');
      for (const [key, value] of new URLSearchParams(text)) form[key] = value;
    } else {
      for (const [key, value] of new URL(request.url).searchParams) form[key] = value;
    }
    if (options.authToken !== undefined) {
      const url = options.publicUrl?.(request) ?? request.url;
      const expected = await twilioSignature(options.authToken, url, request.method === 'POST' ? form : {});
      if (!constantTimeEqual(request.headers.get('x-twilio-signature') ?? '', expected)) return new Response('invalid Twilio signature', { status: 403 });
    }
    const streamUrl = typeof options.streamUrl === 'function' ? options.streamUrl(request) : options.streamUrl;
    const parameters = options.parameters?.(form, request) ?? { from: form.From, to: form.To };
    return new Response(connectStreamTwiml(streamUrl, parameters), { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
  };
}
