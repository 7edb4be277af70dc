/**
 * How a Live session answers a client event: the event that names its `client_event_id`
 * (`session.*.appended`, `session.updated`), or the `error` that names it; and a Live `error`
 * read as the `RealtimeError` every voxwire client reports.
 */
import type { RealtimeError } from '../base/errors';
import type { EventWaiters } from '../client/event-waiters';
import { serverErrorFromEvent } from '../client/session-errors';
import type { LiveServerEventMap } from '../events/live';

/** Waits on `waiters` for `type` answering `eventId`, or rejects with the `error` that names it. */
export function waitForAnswer<Event extends { type: string }>(waiters: EventWaiters<Event>, eventId: string, type: string, timeoutMs: number, signal: AbortSignal): Promise<Event> {
  return waiters.wait(
    (event) => {
      if (event.type === 'error') {
        const error = event as unknown as LiveServerEventMap['error'];
        return (error.error.client_event_id ?? error.client_event_id) === eventId ? 'reject' : false;
      }
      return event.type === type && (event as { client_event_id?: unknown }).client_event_id === eventId && event;
    },
    timeoutMs,
    signal,
    type,
  );
}

/** A Live `error` event as a `RealtimeError` (`VOXWIRE_SERVER_ERROR`, or `VOXWIRE_SESSION_EXPIRED`). */
export function liveServerError(event: LiveServerEventMap['error']): RealtimeError {
  const { error } = event;
  return serverErrorFromEvent({
    error: { type: error.type, code: error.code, message: error.message, param: error.param ?? null, event_id: error.client_event_id ?? event.client_event_id ?? null },
  });
}
