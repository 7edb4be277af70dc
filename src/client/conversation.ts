import type { ConversationItem, ConversationItemInput } from '../events/items';
import type { ServerEvent, UnknownServerEvent } from '../events/server-events';
import type { SafeEmit } from './connection';
import { appendedText, createEntry, cutAtWord, joinText, mergeItem, partAt, toReplayItem } from './conversation-entries';
import type { ConversationChange, ConversationEntry, ConversationUpdate, DeliveryState, TranscriptUpdate } from './conversation-types';

export type { ConversationChange, ConversationContent, ConversationEntry, ConversationEntryStatus, ConversationUpdate, DeliveryState, TranscriptUpdate } from './conversation-types';

const NO_UPDATE: ConversationUpdate = Object.freeze({ changes: [], transcripts: [] }) as ConversationUpdate;

/**
 * The conversation model: assembles server events into ordered entries (by
 * `previous_item_id`), keeps text only, and survives reconnects. The client owns one and
 * feeds it every server event; apps read `client.conversation.entries`.
 */
export class Conversation {
  readonly #order: ConversationEntry[] = [];
  readonly #byId = new Map<string, ConversationEntry>();
  readonly #replaying = new Set<string>();

  /** The entries in conversation order. */
  get entries(): readonly ConversationEntry[] {
    return this.#order;
  }

  /** The entry with this id, if any. */
  get(id: string): ConversationEntry | undefined {
    return this.#byId.get(id);
  }

  /** Applies one server event; returns what changed (nothing for events it does not track). */
  apply(event: ServerEvent | UnknownServerEvent): ConversationUpdate {
    // A parsed event whose type the SDK does not know carries none of the types below, so one
    // narrowing here types every case.
    const known = event as ServerEvent;
    switch (known.type) {
      case 'conversation.item.retrieved': {
        const e = known;
        const heard = this.#adoptHeard(e.item);
        if (heard) return heard;
        return this.#upsert(e.item, undefined, false);
      }
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'conversation.item.done': {
        const e = known;
        return this.#upsert(e.item, e.previous_item_id, known.type === 'conversation.item.done');
      }
      case 'response.output_item.added':
      case 'response.output_item.done': {
        const e = known;
        return this.#upsert(e.item, undefined, known.type === 'response.output_item.done', e.response_id);
      }
      case 'conversation.item.deleted': {
        const e = known;
        return this.#remove(e.item_id);
      }
      case 'conversation.item.truncated': {
        const e = known;
        return this.truncate(e.item_id, e.content_index, e.audio_end_ms);
      }
      case 'conversation.item.input_audio_transcription.delta': {
        const e = known;
        return this.#appendText(e.item_id, e.content_index ?? 0, e.delta ?? '', 'user', 'input_audio');
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const e = known;
        return this.#finishText(e.item_id, e.content_index ?? 0, e.transcript ?? '', 'user', 'input_audio');
      }
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta': {
        const e = known;
        const type = known.type === 'response.output_text.delta' ? 'output_text' : 'output_audio';
        return this.#appendText(e.item_id, e.content_index, e.delta, 'assistant', type, e.response_id);
      }
      case 'response.output_audio_transcript.done': {
        const e = known;
        return this.#finishText(e.item_id, e.content_index, e.transcript, 'assistant', 'output_audio', e.response_id);
      }
      case 'response.output_text.done': {
        const e = known;
        return this.#finishText(e.item_id, e.content_index, e.text, 'assistant', 'output_text', e.response_id);
      }
      case 'response.function_call_arguments.delta': {
        const e = known;
        const entry = this.#byId.get(e.item_id);
        if (!entry || entry.raw !== undefined) return NO_UPDATE;
        entry.arguments = (entry.arguments ?? '') + e.delta;
        entry.text = entry.arguments;
        return { changes: [{ kind: 'updated', entry }], transcripts: [] };
      }
      case 'response.function_call_arguments.done': {
        const e = known;
        const entry = this.#byId.get(e.item_id);
        if (!entry || entry.raw !== undefined) return NO_UPDATE;
        entry.arguments = e.arguments;
        entry.text = e.arguments;
        return { changes: [{ kind: 'updated', entry }], transcripts: [] };
      }
      case 'response.done': {
        const e = known;
        const status = e.response.status;
        if (status !== 'cancelled' && status !== 'incomplete' && status !== 'failed') return NO_UPDATE;
        const changes: ConversationChange[] = [];
        for (const item of e.response.output ?? []) {
          const entry = typeof item.id === 'string' ? this.#byId.get(item.id) : undefined;
          if (entry && entry.status === 'in_progress') {
            entry.status = status === 'cancelled' ? 'cancelled' : 'incomplete';
            changes.push({ kind: 'updated', entry });
          }
        }
        return { changes, transcripts: [] };
      }
      default:
        return NO_UPDATE;
    }
  }

  /** Adds received audio duration to an assistant content part (the bytes themselves are not kept). */
  addAudio(itemId: string, contentIndex: number, ms: number): void {
    const entry = this.#byId.get(itemId);
    if (!entry) return;
    partAt(entry, contentIndex, 'output_audio').audioMs += ms;
  }

  /**
   * Cuts an entry's transcript to the fraction of its audio that was heard, at a word
   * boundary, and marks it truncated. Returns no changes when the entry is unknown or already
   * truncated at or before `audioEndMs`.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): ConversationUpdate {
    const entry = this.#byId.get(itemId);
    if (!entry) return NO_UPDATE;
    const part = entry.content[contentIndex];
    if (entry.truncatedAtMs !== undefined && entry.truncatedAtMs <= audioEndMs) return NO_UPDATE;
    entry.truncatedAtMs = audioEndMs;
    const cut = part !== undefined && part.audioMs > 0 && audioEndMs < part.audioMs;
    if (cut) {
      part.text = cutAtWord(part.text, audioEndMs / part.audioMs);
      part.audioMs = audioEndMs;
    }
    entry.text = joinText(entry);
    if (entry.status === 'in_progress') entry.status = 'cancelled';
    // The last final transcript says what the user heard, whatever came before. Without
    // received audio (WebRTC plays media tracks) the cut is known only from the server's copy:
    // see the `conversation.item.retrieved` case.
    const transcripts: TranscriptUpdate[] =
      cut && entry.role !== 'user' ? [{ role: 'assistant', itemId, contentIndex, delta: '', text: part.text, final: true }] : [];
    return { changes: [{ kind: 'truncated', entry, audioEndMs }], transcripts };
  }

  /**
   * Marks every entry still in progress as incomplete: the connection dropped under it.
   * Returns the entries it changed.
   */
  markInProgressIncomplete(): ConversationChange[] {
    const changes: ConversationChange[] = [];
    for (const entry of this.#order) {
      if (entry.status === 'in_progress') {
        entry.status = 'incomplete';
        changes.push({ kind: 'updated', entry });
      }
    }
    return changes;
  }

  /** Marks a function call entry as cancelled (aborted by a drop: its output was never sent). */
  markCancelled(itemId: string): ConversationChange | undefined {
    const entry = this.#byId.get(itemId);
    if (!entry || entry.status === 'cancelled') return undefined;
    entry.status = 'cancelled';
    return { kind: 'updated', entry };
  }

  /**
   * The items to replay into a new session so the model keeps its context: text only
   * (audio cannot be replayed), latest entries first until `budgetChars` is spent, returned
   * in conversation order. Items keep their ids so the new session's echoes are recognised.
   * Function calls are replayed only together with their output.
   */
  replayItems(budgetChars: number): ConversationItemInput[] {
    const outputs = new Set(this.#order.filter((e) => e.type === 'function_call_output').map((e) => e.callId));
    const calls = new Set(this.#order.filter((e) => e.type === 'function_call').map((e) => e.callId));
    const picked: ConversationItemInput[] = [];
    let spent = 0;
    for (let index = this.#order.length - 1; index >= 0; index -= 1) {
      const entry = this.#order[index] as ConversationEntry;
      // Items still pending are resent by the client's delivery journal, not replayed; an
      // answer cut off by a drop is asked for again, so its fragment is not replayed.
      if (entry.delivery === 'pending' || entry.delivery === 'failed' || (entry.role === 'assistant' && entry.status === 'incomplete')) continue;
      const item = toReplayItem(entry, outputs, calls);
      if (!item) continue;
      const cost = entry.text.length + (entry.name?.length ?? 0);
      if (spent + cost > budgetChars) break;
      spent += cost;
      picked.push(item);
    }
    picked.reverse();
    for (const item of picked) if (item.id) this.#replaying.add(item.id);
    return picked;
  }

  /**
   * Adds an item this client is sending, before the server acknowledges it: the entry is
   * `pending` until {@link setDelivery}. A user's typed message yields a final `transcript`, as
   * spoken text does.
   */
  addLocal(item: ConversationItemInput): ConversationUpdate {
    const id = item.id as string;
    if (this.#byId.has(id)) return NO_UPDATE;
    const entry = createEntry(item as ConversationItem, undefined);
    mergeItem(entry, item as ConversationItem);
    entry.status = 'completed';
    entry.delivery = 'pending';
    this.#order.push(entry);
    this.#byId.set(id, entry);
    const transcripts: TranscriptUpdate[] =
      entry.type === 'message' && entry.role === 'user'
        ? entry.content.map((part, contentIndex) => ({ role: 'user' as const, itemId: id, contentIndex, delta: part.text, text: part.text, final: true }))
        : [];
    return { changes: [{ kind: 'added', entry }], transcripts: transcripts.filter((t) => t.text.length > 0) };
  }

  /** Sets the delivery state of an item this client sent; undefined when nothing changed. */
  setDelivery(itemId: string, state: DeliveryState): ConversationChange | undefined {
    const entry = this.#byId.get(itemId);
    if (!entry || entry.delivery === undefined || entry.delivery === state) return undefined;
    entry.delivery = state;
    return { kind: 'updated', entry };
  }

  #upsert(item: ConversationItem, previousItemId: string | null | undefined, done: boolean, responseId?: string): ConversationUpdate {
    // An item of an unknown type carries its `id` unchecked.
    const id = typeof item.id === 'string' ? item.id : undefined;
    if (!id) return NO_UPDATE;
    const existing = this.#byId.get(id);
    if (existing && this.#replaying.has(id)) {
      // The echo of our own replay into a new session: the entry already holds the original.
      if (done) this.#replaying.delete(id);
      if (!done) existing.sessions += 1;
      return NO_UPDATE;
    }
    const entry = existing ?? createEntry(item, responseId);
    mergeItem(entry, item);
    if (done && entry.status === 'in_progress') entry.status = 'completed';
    if (existing) return { changes: [{ kind: 'updated', entry }], transcripts: [] };

    const after = previousItemId ? this.#order.findIndex((e) => e.id === previousItemId) : -1;
    if (after >= 0) this.#order.splice(after + 1, 0, entry);
    else this.#order.push(entry);
    this.#byId.set(id, entry);
    return { changes: [{ kind: 'added', entry }], transcripts: [] };
  }

  /** Whether no audio was received for this part, so a cut cannot be measured here (the server's copy says what was heard). */
  needsServerCut(itemId: string, contentIndex: number): boolean {
    const entry = this.#byId.get(itemId);
    return entry !== undefined && entry.role === 'assistant' && (entry.content[contentIndex]?.audioMs ?? 0) === 0;
  }

  /** The server's copy of an item truncated without received audio: its transcript is what was heard. */
  #adoptHeard(item: ConversationItem): ConversationUpdate | undefined {
    const id = (item as { id?: unknown }).id;
    const entry = typeof id === 'string' ? this.#byId.get(id) : undefined;
    if (!entry || entry.truncatedAtMs === undefined || entry.raw !== undefined) return undefined;
    const transcripts: TranscriptUpdate[] = [];
    const content = ((item as { content?: Array<{ type?: string; text?: string | null; transcript?: string | null }> | null }).content ?? []);
    content.forEach((incoming, contentIndex) => {
      const part = entry.content[contentIndex];
      const text = incoming.transcript ?? incoming.text;
      if (!part || part.audioMs > 0 || typeof text !== 'string' || text === part.text) return;
      part.text = text;
      transcripts.push({ role: 'assistant', itemId: entry.id, contentIndex, delta: '', text, final: true });
    });
    if (transcripts.length === 0) return NO_UPDATE;
    entry.text = joinText(entry);
    return { changes: [{ kind: 'truncated', entry, audioEndMs: entry.truncatedAtMs }], transcripts };
  }

  #remove(itemId: string): ConversationUpdate {
    const entry = this.#byId.get(itemId);
    if (!entry) return NO_UPDATE;
    this.#byId.delete(itemId);
    this.#order.splice(this.#order.indexOf(entry), 1);
    return { changes: [{ kind: 'removed', entry }], transcripts: [] };
  }

  #appendText(
    itemId: string,
    contentIndex: number,
    delta: string,
    role: 'user' | 'assistant',
    type: string,
    responseId?: string,
  ): ConversationUpdate {
    const entry = this.#ensure(itemId, role, responseId);
    // An item of a type we do not know has no text here, whatever streams into it.
    if (entry.raw !== undefined) return NO_UPDATE;
    const part = partAt(entry, contentIndex, type);
    const before = part.text;
    part.text += delta;
    entry.text = appendedText(entry, contentIndex, before, delta);
    return {
      changes: [{ kind: 'updated', entry }],
      transcripts: [{ role, itemId, contentIndex, delta, text: part.text, final: false }],
    };
  }

  #finishText(
    itemId: string,
    contentIndex: number,
    text: string,
    role: 'user' | 'assistant',
    type: string,
    responseId?: string,
  ): ConversationUpdate {
    const entry = this.#ensure(itemId, role, responseId);
    // An item of a type we do not know has no text here, whatever streams into it.
    if (entry.raw !== undefined) return NO_UPDATE;
    const part = partAt(entry, contentIndex, type);
    // A truncated part keeps its cut text: the final transcript describes audio nobody heard.
    if (entry.truncatedAtMs === undefined) part.text = text;
    entry.text = joinText(entry);
    return {
      changes: [{ kind: 'updated', entry }],
      transcripts: [{ role, itemId, contentIndex, delta: '', text: part.text, final: true }],
    };
  }

  /** Deltas may precede the item's `added` event on some paths; create the entry then. */
  #ensure(itemId: string, role: 'user' | 'assistant', responseId?: string): ConversationEntry {
    const existing = this.#byId.get(itemId);
    if (existing) return existing;
    const entry = createEntry({ id: itemId, type: 'message', role } as ConversationItem, responseId);
    this.#order.push(entry);
    this.#byId.set(itemId, entry);
    return entry;
  }
}

/** Reports an update as the client's `conversation` (each change) and `transcript` (each update) events. */
export function emitUpdate(emit: SafeEmit<{ conversation: [change: ConversationChange]; transcript: [update: TranscriptUpdate] }>, update: ConversationUpdate): void {
  for (const change of update.changes) emit('conversation', change);
  for (const transcript of update.transcripts) emit('transcript', transcript);
}
