import type { ResponseCreateParams } from '../events/response';

/**
 * In-band response sequencing: the API allows one response at a time in the conversation
 * (a second `response.create` is answered with `conversation_already_has_active_response`), so
 * a request made while one is active is held and sent after `response.done`; several held
 * requests merge into one. Out-of-band responses never pass through here.
 *
 * A request is checked before any state changes: one that throws leaves nothing pending.
 */
export class ResponseQueue {
  /** The `event_id` of the `response.create` sent and not yet answered by `response.created`. */
  #requested: string | undefined;
  /** The id of the response in progress (between `response.created` and `response.done`). */
  #activeId: string | undefined;
  #queued: ResponseCreateParams | undefined;
  /** What the request in flight asked for, until its `response.done`: asked again if a drop cuts it. */
  #inFlight: ResponseCreateParams | undefined;
  readonly #send: (eventId: string, params: ResponseCreateParams | undefined) => void;

  /** `send` writes one `response.create` (and throws, changing nothing, when the transport refuses it). */
  constructor(send: (eventId: string, params: ResponseCreateParams | undefined) => void) {
    this.#send = send;
  }

  /** True while a response is being generated or has been requested. */
  get active(): boolean {
    return this.#activeId !== undefined || this.#requested !== undefined;
  }

  /** The response in progress, if the server announced it. */
  get activeId(): string | undefined {
    return this.#activeId;
  }

  /**
   * Sends the request now when `canSend` and nothing is active, otherwise holds it (merged
   * with any request already held). `validate` runs first, so an invalid request throws with
   * nothing held and nothing marked active.
   */
  request(params: ResponseCreateParams | undefined, eventId: string, canSend: boolean, validate: () => void): void {
    if (this.active || !canSend) {
      validate();
      this.#queued = { ...this.#queued, ...params };
      return;
    }
    this.#send(eventId, params);
    this.#requested = eventId;
    this.#inFlight = params ?? {};
  }

  /**
   * Sends the held request when nothing is active (after `response.done`, once a session is
   * restored); one the transport refuses goes to `report`, not retried.
   */
  sendQueued(eventId: () => string, report: (error: unknown) => void): void {
    if (this.active || this.#queued === undefined) return;
    const queued = this.takeQueued();
    try {
      this.request(queued, eventId(), true, () => undefined);
    } catch (error) {
      report(error);
    }
  }

  /** `response.created` for an in-band response. */
  onCreated(responseId: string | undefined): void {
    this.#activeId = responseId ?? 'unknown';
    this.#requested = undefined;
  }

  /** `response.done` for an in-band response: nothing is active any more (a held request may be sent). */
  onDone(): void {
    this.#activeId = undefined;
    this.#requested = undefined;
    this.#inFlight = undefined;
  }

  /** The server refused our request (`error` with its `event_id`): nothing is active any more. */
  onError(eventId: string | null | undefined): void {
    if (eventId !== undefined && eventId !== null && eventId === this.#requested) {
      this.#requested = undefined;
      this.#inFlight = undefined;
    }
  }

  /** Takes the held request (to send it now). */
  takeQueued(): ResponseCreateParams | undefined {
    const queued = this.#queued;
    this.#queued = undefined;
    return queued;
  }

  /** Forgets the held request and the one in flight (a cancel, or the client ended). */
  dropQueued(): void {
    this.#queued = undefined;
    this.#inFlight = undefined;
  }

  /**
   * The connection dropped: whatever was active died with the session. A request of ours that
   * had not finished is held again, so the restored session answers it (the old session's
   * `response.create` never reaches the new one, so this sends nothing twice to a session).
   */
  onDisconnect(): void {
    if (this.#inFlight !== undefined) this.#queued = { ...this.#inFlight, ...this.#queued };
    this.#inFlight = undefined;
    this.#activeId = undefined;
    this.#requested = undefined;
  }
}
