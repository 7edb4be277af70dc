/**
 * How the client's events leave. Live, an event is written at once. An item the client sends
 * (`conversation.item.create`) enters the conversation as `pending` and the delivery journal
 * until the server acknowledges it, so a restored session gets it again; a few events are held
 * while reconnecting and sent once; anything else is dropped when not live (audio and
 * truncation are meaningless later). Plain functions over one small state object: the root
 * bundle is budgeted.
 */
import { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import type { ClientEventInput } from '../events/client-events';
import type { ConversationItemInput } from '../events/items';
import type { ResponseCreateParams } from '../events/response';
import type { SessionConfigInput } from '../events/session-input';
import { realtimeProtocol } from '../transport/realtime-protocol';
import type { Transport } from '../transport/transport';
import type { RealtimeClientEvents } from './client-events';
import type { Connection, SafeEmit } from './connection';
import { emitUpdate } from './conversation';
import type { Conversation, DeliveryState } from './conversation';
import type { DeliveryJournal } from './delivery-journal';
import { toRealtimeError } from './session-errors';

/** Events the client may hold while disconnected and send once after the session is restored. */
const QUEUEABLE = new Set(['conversation.item.delete', 'conversation.item.retrieve']);

/** The client's outgoing side: what sending needs, and what is held for the restored session. */
export interface Outbox {
  readonly connection: Connection;
  readonly transport: Transport;
  readonly conversation: Conversation;
  readonly emit: SafeEmit<RealtimeClientEvents>;
  /** A new id: `id('evt_vx')`, `id('item_vx')`. */
  readonly id: (prefix: string) => string;
  /** Strict client events (`strict`): refuse fields the protocol does not know. */
  readonly strict: boolean;
  readonly logger: Logger;
  /** Queueable events waiting for the restored session. */
  readonly held: ClientEventInput[];
  /** The items sent and not acknowledged yet. */
  readonly journal: DeliveryJournal;
}

/** Sends now when live; otherwise drops, returning false. */
export function sendLive(out: Outbox, event: ClientEventInput): boolean {
  const live = isLive(out);
  if (live) out.transport.send(event);
  return live;
}

/** The client's requests that keep their own rules when they come through `send()`. */
export interface SendRules {
  createResponse(response?: ResponseCreateParams): unknown;
  cancelResponse(): unknown;
  updateSession(session: SessionConfigInput): Promise<unknown>;
}

/**
 * `send()`: any client event. Responses, cancels and session updates keep the client's rules; an
 * item enters the conversation and the journal ({@link createItem}); a queueable event is sent
 * now when live and otherwise held for the restored session (sent once); any other is sent when
 * live, or dropped with a warning.
 */
export function sendEvent(out: Outbox, client: SendRules, event: ClientEventInput): void {
  if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
    throw new RealtimeError('VOXWIRE_INVALID_CLIENT_EVENT', 'send(): expected a client event object with a string `type`.');
  }
  switch (event.type) {
    case 'response.create':
      // An out-of-band one (`conversation: 'none'`) returns its promise, which send() drops.
      client.createResponse(event.response as ResponseCreateParams);
      return;
    case 'response.cancel':
      client.cancelResponse();
      return;
    case 'session.update':
      client.updateSession(event.session as SessionConfigInput).catch((error: unknown) => out.emit('error', toRealtimeError(error, 'VOXWIRE_INVALID_SESSION_CONFIG')));
      return;
    case 'conversation.item.create':
      createItem(out, { ...event.item, id: event.item.id ?? out.id('item_vx') } as ConversationItemInput, event.previous_item_id ?? undefined);
      return;
    default:
  }
  if (!QUEUEABLE.has(event.type)) {
    if (!sendLive(out, event)) out.logger.warn(`send(): dropped ${event.type} while not connected (stale events are not sent late).`);
    return;
  }
  assertConnected(out, event.type);
  if (isLive(out)) out.transport.send(event);
  else out.held.push(event);
}

/**
 * Adds an item the client sends to the conversation (`pending`) and to the delivery journal,
 * and writes it when live; otherwise the restored session gets it. An invalid item throws
 * before anything is recorded.
 */
export function createItem(out: Outbox, item: ConversationItemInput, previousItemId: string | undefined): void {
  assertConnected(out, 'conversation.item.create');
  const live = isLive(out);
  if (!live) checkHeld(out, { type: 'conversation.item.create', item });
  // Written before it is tracked (so a write that throws records nothing): it is marked sent here.
  const eventId = live ? writeItem(out, item, previousItemId) : undefined;
  out.journal.track(item, previousItemId);
  if (eventId) out.journal.markSent(item.id as string, eventId);
  emitUpdate(out.emit, out.conversation.addLocal(item));
  setDelivery(out, item.id as string, 'pending', true);
}

/**
 * Checks an event that is held for later, as the transport will when it is sent (which warns
 * then about fields it does not know), so a wrong request throws now with nothing held.
 */
export function checkHeld(out: Outbox, event: ClientEventInput): void {
  realtimeProtocol.serialize(event, { strict: out.strict });
}

/** Writes one `conversation.item.create` and marks a tracked item sent; returns its `event_id`. */
function writeItem(out: Outbox, item: ConversationItemInput, previousItemId: string | undefined): string {
  const eventId = out.id('evt_vx');
  out.transport.send({ type: 'conversation.item.create', event_id: eventId, item, ...(previousItemId === undefined ? {} : { previous_item_id: previousItemId }) });
  out.journal.markSent(item.id as string, eventId);
  return eventId;
}

/**
 * The session is live: items sent but never acknowledged (a drop right after `sendText`) go
 * again, once per session, then the held events.
 */
export function flushOutbox(out: Outbox): void {
  for (const { item, previousItemId } of out.journal.due()) writeItem(out, item, previousItemId);
  for (const event of out.held.splice(0)) out.transport.send(event);
}

/** An item of ours the server echoed (`conversation.item.added|created|done`) is delivered. */
export function acknowledge(out: Outbox, itemId: unknown): void {
  if (typeof itemId === 'string' && out.journal.acknowledge(itemId)) setDelivery(out, itemId, 'delivered');
}

/** An `error` answering our `conversation.item.create` (by its `event_id`): that item failed. */
export function refuse(out: Outbox, eventId: string | null | undefined): void {
  const refused = out.journal.refuse(eventId);
  if (refused) setDelivery(out, refused, 'failed');
}

/** The client ends: nothing held is sent later, and every item still pending failed. */
export function releaseOutbox(out: Outbox): void {
  out.held.length = 0;
  for (const itemId of out.journal.failAll()) setDelivery(out, itemId, 'failed');
}

function setDelivery(out: Outbox, itemId: string, state: DeliveryState, initial = false): void {
  const change = initial ? undefined : out.conversation.setDelivery(itemId, state);
  if (change) out.emit('conversation', change);
  const entry = out.conversation.get(itemId);
  if (entry && (initial || change)) out.emit('delivery', { itemId, state, entry });
}

function isLive(out: Outbox): boolean {
  return out.connection.phase === 'live' && out.transport.isOpen;
}

function assertConnected(out: Outbox, type: string): void {
  if (out.connection.phase === 'idle' || out.connection.phase === 'ended') {
    throw new RealtimeError('VOXWIRE_NOT_CONNECTED', `Cannot send ${type}: the client is not connected; call connect() first.`);
  }
}
