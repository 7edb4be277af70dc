import type { ConversationItemInput } from '../events/items';

interface JournalEntry {
  item: ConversationItemInput;
  previousItemId: string | undefined;
  /** The `event_id` of the last `conversation.item.create` that carried it. */
  eventId: string | undefined;
  /** The session (connection) count in which it was last written; `undefined` while unsent. */
  sentInSession: number | undefined;
}

/**
 * Every item the client sends, kept until the server acknowledges it
 * (`conversation.item.added` / `conversation.item.done` with its id). A drop between the write
 * and the echo loses nothing: the restored session gets every unacknowledged item again, once
 * per session, in the order they were sent; the ids make a resend idempotent.
 */
export class DeliveryJournal {
  readonly #entries = new Map<string, JournalEntry>();
  #session = 0;

  /** The ids waiting for an acknowledgement, in the order they were sent. */
  get pendingIds(): string[] {
    return [...this.#entries.keys()];
  }

  /** Records an item before it is written (it must carry its `id`). */
  track(item: ConversationItemInput, previousItemId: string | undefined): void {
    if (item.id === undefined) return;
    this.#entries.set(item.id, { item, previousItemId, eventId: undefined, sentInSession: undefined });
  }

  /** Whether the item still waits for an acknowledgement. */
  has(itemId: string): boolean {
    return this.#entries.has(itemId);
  }

  /** Notes that the item was written with this `event_id` in the current session. */
  markSent(itemId: string, eventId: string): void {
    const entry = this.#entries.get(itemId);
    if (!entry) return;
    entry.eventId = eventId;
    entry.sentInSession = this.#session;
  }

  /** The server acknowledged the item: true when it was pending. */
  acknowledge(itemId: string): boolean {
    return this.#entries.delete(itemId);
  }

  /** The server refused the `conversation.item.create` with this `event_id`: the item's id, when it was ours. */
  refuse(eventId: string | null | undefined): string | undefined {
    if (!eventId) return undefined;
    for (const [itemId, entry] of this.#entries) {
      if (entry.eventId !== eventId) continue;
      this.#entries.delete(itemId);
      return itemId;
    }
    return undefined;
  }

  /** A new session begins: items written to earlier sessions and never acknowledged are due again. */
  newSession(): void {
    this.#session += 1;
  }

  /** The items to write in this session (unsent here yet), in order, with their predecessor. */
  due(): Array<{ item: ConversationItemInput; previousItemId: string | undefined }> {
    const due: Array<{ item: ConversationItemInput; previousItemId: string | undefined }> = [];
    for (const entry of this.#entries.values()) {
      if (entry.sentInSession !== this.#session) due.push({ item: entry.item, previousItemId: entry.previousItemId });
    }
    return due;
  }

  /** The client ended: every pending item failed; returns their ids. */
  failAll(): string[] {
    const ids = [...this.#entries.keys()];
    this.#entries.clear();
    return ids;
  }
}
