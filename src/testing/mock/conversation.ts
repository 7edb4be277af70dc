/**
 * The mock session's conversation: items in order, as the server reports them, with the audio
 * the server keeps for `conversation.item.retrieve` and the bookkeeping truncation needs (how
 * much assistant audio was actually sent).
 */

/** An item as the server reports it (`conversation.item.added|done|retrieved`). */
export interface MockItem {
  /** The item id. */
  id: string;
  /** Always `realtime.item`. */
  object: 'realtime.item';
  /** The item type: `message`, `function_call`, `function_call_output`, ... */
  type: string;
  /** The item's status, when it has one. */
  status?: 'completed' | 'incomplete' | 'in_progress';
  [key: string]: unknown;
}

/** An item plus what the server knows about its audio. */
export interface StoredItem {
  item: MockItem;
  /** Audio of the item's audio content part (input or output), PCM16, while retained. */
  audio?: { pcm: Int16Array; sampleRate: number };
  /** For assistant audio: milliseconds of audio sent to the client so far (content index 0). */
  sentAudioMs?: number;
  /** For assistant audio: total milliseconds the response planned to send. */
  plannedAudioMs?: number;
  /** For assistant audio: the whole transcript the response planned to say. */
  plannedTranscript?: string;
  /** For assistant audio after `conversation.item.truncate`: where the audio was cut, in ms. */
  truncatedAtMs?: number;
  /** For assistant audio after `conversation.item.truncate`: the transcript that was kept. */
  truncatedTranscript?: string;
  /** Duration of the item's audio in ms (kept when the audio itself is no longer retained). */
  audioMs?: number;
}

/** Where {@link MockConversation.insert} puts an item. */
export type InsertPosition = { after: string } | 'root' | 'end';

/**
 * Ordered conversation items. Retained audio is bounded: past `maxRetainedAudioMs` across all
 * items, the oldest items' audio is forgotten (their text stays).
 */
export class MockConversation {
  readonly #maxRetainedAudioMs: number;
  readonly #items = new Map<string, StoredItem>();
  #order: string[] = [];
  #retainedAudioMs = 0;

  constructor(maxRetainedAudioMs: number) {
    this.#maxRetainedAudioMs = maxRetainedAudioMs;
  }

  /** Number of items. */
  get size(): number {
    return this.#order.length;
  }

  /** Id of the last item, or `null` when empty. */
  get lastId(): string | null {
    return this.#order[this.#order.length - 1] ?? null;
  }

  /** Items in conversation order. */
  list(): StoredItem[] {
    return this.#order.map((id) => this.#items.get(id)!);
  }

  /** The stored item with this id. */
  get(id: string): StoredItem | undefined {
    return this.#items.get(id);
  }

  /** True when an item has this id. */
  has(id: string): boolean {
    return this.#items.has(id);
  }

  /**
   * Inserts an item and returns the id of the item before it (`null` at the start). The caller
   * checks that `after` exists and that the id is new.
   */
  insert(stored: StoredItem, position: InsertPosition): string | null {
    let index = this.#order.length;
    if (position === 'root') index = 0;
    else if (position !== 'end') index = this.#order.indexOf(position.after) + 1;
    this.#order.splice(index, 0, stored.item.id);
    this.#items.set(stored.item.id, stored);
    if (stored.audio) this.#retain(stored.audio);
    return index === 0 ? null : this.#order[index - 1]!;
  }

  /** Removes an item; false when there was none. */
  delete(id: string): boolean {
    const stored = this.#items.get(id);
    if (!stored) return false;
    if (stored.audio) this.#retainedAudioMs -= audioMs(stored.audio);
    this.#items.delete(id);
    this.#order = this.#order.filter((candidate) => candidate !== id);
    return true;
  }

  /** Attaches (more) retained audio to an item. */
  setAudio(id: string, audio: { pcm: Int16Array; sampleRate: number }): void {
    const stored = this.#items.get(id);
    if (!stored) return;
    if (stored.audio) this.#retainedAudioMs -= audioMs(stored.audio);
    stored.audio = audio;
    this.#retain(audio);
  }

  #retain(audio: { pcm: Int16Array; sampleRate: number }): void {
    this.#retainedAudioMs += audioMs(audio);
    for (const id of this.#order) {
      if (this.#retainedAudioMs <= this.#maxRetainedAudioMs) break;
      const stored = this.#items.get(id)!;
      if (stored.audio && stored.audio !== audio) {
        this.#retainedAudioMs -= audioMs(stored.audio);
        delete stored.audio;
      }
    }
  }
}

function audioMs(audio: { pcm: Int16Array; sampleRate: number }): number {
  return (audio.pcm.length * 1000) / audio.sampleRate;
}
