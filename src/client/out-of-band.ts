import type { RealtimeError } from '../base/errors';
import type { ConversationItem } from '../events/items';
import type { ResponseCreateParams, Usage } from '../events/response';
import type { ServerEvent, ServerEventMap, UnknownServerEvent } from '../events/server-events';

/** A function call an out-of-band response made (it is not run: the caller decides). */
export interface OutOfBandFunctionCall {
  /** The item id. */
  itemId: string | undefined;
  /** The call id, for a `function_call_output`. */
  callId: string;
  /** The function's name. */
  name: string;
  /** The JSON arguments. */
  arguments: string;
}

/** What an out-of-band response (`createResponse({ conversation: 'none' })`) produced. */
export interface OutOfBandResult {
  /** The response id. */
  responseId: string;
  /** How it ended: `completed`, `cancelled` or `incomplete` (a `failed` response rejects). */
  status: string;
  /** Its text output (`output_text` parts), joined. */
  text: string;
  /** The transcript of its audio output (`output_audio` parts), joined. */
  audioTranscript: string;
  /** The function calls it made, in order. */
  functionCalls: OutOfBandFunctionCall[];
  /** Its output items as the server sent them (unknown item types included, whole). */
  output: ConversationItem[];
  /** Its token usage, when the server reported it. */
  usage: Usage | undefined;
  /** The metadata it carried (the caller's, plus voxwire's request tag). */
  metadata: Record<string, unknown> | undefined;
}

/** The metadata key voxwire adds to an out-of-band request so its `response.created` can be matched. */
export const OUT_OF_BAND_TAG = 'voxwire_request';

interface Pending {
  eventId: string;
  responseId: string | undefined;
  text: string;
  audioTranscript: string;
  resolve: (result: OutOfBandResult) => void;
  reject: (error: RealtimeError) => void;
}

/**
 * The out-of-band responses in flight: each is matched by the `metadata` tag it was sent with
 * (on `response.created`) and then by its response id; its events are collected here and never
 * reach the conversation, the tool dispatcher or the in-band response queue.
 */
export class OutOfBandResponses {
  readonly #Error: typeof RealtimeError;
  readonly #byEventId = new Map<string, Pending>();
  readonly #byResponseId = new Map<string, Pending>();

  /**
   * `errorClass` is `RealtimeError`, passed in by the client: this module loads on demand and
   * imports nothing at run time, so its chunk shares no code with the root bundle's load.
   */
  constructor(errorClass: typeof RealtimeError) {
    this.#Error = errorClass;
  }

  /** True when a response is in flight. */
  get size(): number {
    return this.#byEventId.size;
  }

  /**
   * Sends a request (`send` writes the `response.create` with the tagged params) and returns the
   * promise of its result. Throws, holding nothing, when the session is not `live` (an
   * out-of-band response is never held for later) or when `send` throws.
   */
  send(eventId: string, params: ResponseCreateParams, live: boolean, send: (params: ResponseCreateParams) => void): Promise<OutOfBandResult> {
    if (!live) throw new this.#Error('VOXWIRE_NOT_CONNECTED', 'createResponse(): an out-of-band response needs a live session (it is never held for later).');
    const result = new Promise<OutOfBandResult>((resolve, reject) => {
      this.#byEventId.set(eventId, { eventId, responseId: undefined, text: '', audioTranscript: '', resolve, reject });
    });
    // The caller owns the promise; an ignored failure must not become an unhandled rejection.
    result.catch(() => undefined);
    try {
      send({ ...params, metadata: { ...params.metadata, [OUT_OF_BAND_TAG]: eventId } });
    } catch (error) {
      this.#byEventId.delete(eventId);
      throw error;
    }
    return result;
  }

  /**
   * Takes an event that belongs to an out-of-band response in flight (true), or leaves it to
   * the conversation (false). `known` is the transport's flag: only a known event is read further.
   */
  claim(event: ServerEvent | UnknownServerEvent, known: boolean): boolean {
    if (this.#byEventId.size === 0) return false;
    const record = event as { type: string; response_id?: unknown; response?: { id?: unknown; metadata?: unknown } };
    if (record.type === 'response.created') {
      const tag = (record.response?.metadata as Record<string, unknown> | null | undefined)?.[OUT_OF_BAND_TAG];
      const pending = typeof tag === 'string' ? this.#byEventId.get(tag) : undefined;
      if (!pending) return false;
      pending.responseId = typeof record.response?.id === 'string' ? record.response.id : undefined;
      if (pending.responseId) this.#byResponseId.set(pending.responseId, pending);
      return true;
    }
    const responseId = typeof record.response_id === 'string' ? record.response_id : typeof record.response?.id === 'string' ? record.response.id : undefined;
    const pending = responseId === undefined ? undefined : this.#byResponseId.get(responseId);
    if (!pending) return false;
    if (!known) return true;
    // Known: one of the typed events, so each case below is narrowed by its type.
    const typed = event as ServerEvent;
    switch (typed.type) {
      case 'response.output_text.delta':
        pending.text += typed.delta;
        break;
      case 'response.output_audio_transcript.delta':
        pending.audioTranscript += typed.delta;
        break;
      case 'response.done':
        this.#finish(pending, typed.response);
        break;
      default:
    }
    return true;
  }

  /** An `error` event: rejects the request it names (true), if it is one of ours. */
  fail(eventId: string | null | undefined, error: RealtimeError): boolean {
    const pending = eventId ? this.#byEventId.get(eventId) : undefined;
    if (!pending) return false;
    this.#settle(pending);
    pending.reject(error);
    return true;
  }

  /** The connection dropped or the client ended: every request in flight rejects. */
  failAll(error: RealtimeError): void {
    for (const pending of [...this.#byEventId.values()]) {
      this.#settle(pending);
      pending.reject(error);
    }
  }

  #settle(pending: Pending): void {
    this.#byEventId.delete(pending.eventId);
    if (pending.responseId) this.#byResponseId.delete(pending.responseId);
  }

  #finish(pending: Pending, response: ServerEventMap['response.done']['response']): void {
    this.#settle(pending);
    const output = (response.output ?? []) as ConversationItem[];
    const texts: string[] = [];
    const transcripts: string[] = [];
    const functionCalls: OutOfBandFunctionCall[] = [];
    for (const item of output) {
      const record = item as { type: string; id?: string; call_id?: string; name?: string; arguments?: string; content?: Array<{ type?: string; text?: string | null; transcript?: string | null }> | null };
      if (record.type === 'function_call' && record.call_id && record.name) {
        functionCalls.push({ itemId: record.id, callId: record.call_id, name: record.name, arguments: record.arguments ?? '' });
      }
      for (const part of record.content ?? []) {
        if (part.type === 'output_text' && part.text) texts.push(part.text);
        if (part.type === 'output_audio' && part.transcript) transcripts.push(part.transcript);
      }
    }
    const status = response.status ?? 'completed';
    if (status === 'failed') {
      const details = response.status_details as { error?: { code?: string; message?: string } } | null | undefined;
      pending.reject(
        new this.#Error('VOXWIRE_SERVER_ERROR', `Out-of-band response ${response.id ?? ''} failed${details?.error?.message ? `: ${details.error.message}` : ''}.`, {
          serverError: { type: 'response_failed', code: details?.error?.code ?? null, message: details?.error?.message ?? 'response failed', param: null, event_id: pending.eventId },
        }),
      );
      return;
    }
    pending.resolve({
      responseId: response.id ?? pending.responseId ?? '',
      status,
      text: texts.length > 0 ? texts.join('') : pending.text,
      audioTranscript: transcripts.length > 0 ? transcripts.join('') : pending.audioTranscript,
      functionCalls,
      output,
      usage: response.usage ?? undefined,
      metadata: (response.metadata as Record<string, unknown> | null | undefined) ?? undefined,
    });
  }
}
