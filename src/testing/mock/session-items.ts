/**
 * The `conversation.item.*` requests of a mock Realtime session, as the API answers them:
 * `create` (with `previous_item_id` ordering, duplicate ids refused, audio kept aside and not
 * echoed), `retrieve` (with the retained audio re-encoded), `delete`, and `truncate` (checked
 * against the audio actually sent; the transcript is cut in proportion).
 */

import { decodeWireAudio, encodeWireAudio } from '../../codec/wire-audio';
import type { ClientEventInputMap } from '../../events/client-events';
import type { MockConversation, InsertPosition, MockItem, StoredItem } from './conversation';
import { mockErrors } from './errors';
import type { MockIdPrefix } from './ids';
import { splitTextDeltas } from './response';
import type { MockChannel } from './session-channel';
import type { MockAudioFormat } from './session-config';
import { isRecord } from '../../base/is-record';

type ClientEventOf<Type extends keyof ClientEventInputMap> = ClientEventInputMap[Type];

/** What the item requests need from their session. */
export interface ItemRequestsHost {
  readonly conversation: MockConversation;
  readonly channel: MockChannel;
  newId(prefix: MockIdPrefix): string;
  /** The session's current input and output formats. */
  formats(): { input: MockAudioFormat; output: MockAudioFormat };
}

/** The sample rate of a session audio format. */
export function formatRate(format: MockAudioFormat): number {
  return format.type === 'audio/pcm' ? (format.rate ?? 24000) : 8000;
}

/** Handles the `conversation.item.*` client events of one session. */
export class ItemRequests {
  readonly #host: ItemRequestsHost;

  constructor(host: ItemRequestsHost) {
    this.#host = host;
  }

  create(event: ClientEventOf<'conversation.item.create'>): void {
    const { conversation, channel } = this.#host;
    const eventId = event.event_id ?? null;
    const previousId = event.previous_item_id;
    if (previousId !== undefined && previousId !== 'root' && !conversation.has(previousId)) {
      channel.sendError(mockErrors.previousItemNotFound(previousId), eventId);
      return;
    }
    const input = event.item as Record<string, unknown>;
    const id = typeof input.id === 'string' ? input.id : this.#host.newId('item');
    if (conversation.has(id)) {
      channel.sendError(mockErrors.duplicateItemId(id), eventId);
      return;
    }
    let stored: StoredItem;
    try {
      stored = this.#toStoredItem(input, id);
    } catch (error) {
      channel.sendError(mockErrors.invalidAudio(error instanceof Error ? error.message : String(error)), eventId);
      return;
    }
    const position: InsertPosition = previousId === undefined ? 'end' : previousId === 'root' ? 'root' : { after: previousId };
    const previous = conversation.insert(stored, position);
    if (!channel.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(stored.item) })) return;
    channel.emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(stored.item) });
  }

  /** A client item as the server reports it: id, `object`, `status`; audio kept aside, not echoed. */
  #toStoredItem(input: Record<string, unknown>, id: string): StoredItem {
    const item: MockItem = { ...structuredClone(input), id, object: 'realtime.item', type: String(input.type) };
    item.status = (input.status as MockItem['status']) ?? 'completed';
    const stored: StoredItem = { item };
    if (Array.isArray(item.content)) {
      const formats = this.#host.formats();
      item.content = item.content.map((part: unknown) => {
        if (!isRecord(part) || typeof part.audio !== 'string') return part;
        const decoded = decodeWireAudio(part.audio, part.type === 'output_audio' ? formats.output : formats.input);
        stored.audio = decoded;
        stored.audioMs = (decoded.pcm.length * 1000) / decoded.sampleRate;
        const { audio: _audio, ...rest } = part;
        return { ...rest, transcript: typeof part.transcript === 'string' ? part.transcript : null };
      });
    }
    return stored;
  }

  retrieve(event: ClientEventOf<'conversation.item.retrieve'>): void {
    const stored = this.#host.conversation.get(event.item_id);
    if (!stored) {
      this.#host.channel.sendError(mockErrors.itemNotFound(event.item_id), event.event_id ?? null);
      return;
    }
    const item = structuredClone(stored.item);
    if (stored.audio && Array.isArray(item.content)) {
      const part = item.content.find(
        (candidate: unknown) => isRecord(candidate) && (candidate.type === 'input_audio' || candidate.type === 'output_audio'),
      );
      if (isRecord(part)) {
        const formats = this.#host.formats();
        const format = part.type === 'output_audio' ? formats.output : formats.input;
        const sameRate = formatRate(format) === stored.audio.sampleRate;
        part.audio = encodeWireAudio(stored.audio.pcm, sameRate ? format : { type: 'audio/pcm', rate: stored.audio.sampleRate });
      }
    }
    this.#host.channel.emit({ type: 'conversation.item.retrieved', item });
  }

  delete(event: ClientEventOf<'conversation.item.delete'>): void {
    if (!this.#host.conversation.delete(event.item_id)) {
      this.#host.channel.sendError(mockErrors.itemNotFound(event.item_id), event.event_id ?? null);
      return;
    }
    this.#host.channel.emit({ type: 'conversation.item.deleted', item_id: event.item_id });
  }

  truncate(event: ClientEventOf<'conversation.item.truncate'>): void {
    const channel = this.#host.channel;
    const eventId = event.event_id ?? null;
    const stored = this.#host.conversation.get(event.item_id);
    if (!stored) {
      channel.sendError(mockErrors.itemNotFound(event.item_id), eventId);
      return;
    }
    const item = stored.item;
    if (item.type !== 'message' || item.role !== 'assistant' || stored.sentAudioMs === undefined || stored.sentAudioMs <= 0) {
      channel.sendError(mockErrors.truncateNotAudio(), eventId);
      return;
    }
    if (event.content_index !== 0) {
      channel.sendError(mockErrors.noSuchContent(item.id, event.content_index), eventId);
      return;
    }
    const availableMs = Math.floor(Math.min(stored.sentAudioMs, stored.truncatedAtMs ?? Number.POSITIVE_INFINITY));
    if (event.audio_end_ms > availableMs) {
      channel.sendError(mockErrors.truncateBeyondAudio(availableMs, event.audio_end_ms), eventId);
      return;
    }
    this.truncateTo(stored, event.audio_end_ms);
  }

  /** Media transports: a barge-in discarded the last `discardedMs` of a reply; keeps what was played. */
  truncateUnplayed(itemId: string, discardedMs: number): void {
    const stored = this.#host.conversation.get(itemId);
    if (stored?.sentAudioMs === undefined) return;
    this.truncateTo(stored, Math.max(0, Math.floor(stored.sentAudioMs - discardedMs)));
  }

  /** Cuts an assistant audio item (its audio and transcript) at `audioEndMs` and says so. */
  truncateTo(stored: StoredItem, audioEndMs: number): void {
    const item = stored.item;
    stored.truncatedAtMs = audioEndMs;
    const words = splitTextDeltas(stored.plannedTranscript ?? '');
    const plannedMs = stored.plannedAudioMs ?? stored.sentAudioMs ?? 0;
    const keep = plannedMs > 0 ? Math.floor((words.length * audioEndMs) / plannedMs) : 0;
    const transcript = words.slice(0, keep).join('').trimEnd();
    stored.truncatedTranscript = transcript;
    item.content = [{ type: 'output_audio', transcript }];
    if (stored.audio) {
      const samples = Math.floor((stored.audio.sampleRate * audioEndMs) / 1000);
      this.#host.conversation.setAudio(item.id, { pcm: stored.audio.pcm.subarray(0, samples), sampleRate: stored.audio.sampleRate });
    }
    this.#host.channel.emit({ type: 'conversation.item.truncated', item_id: item.id, content_index: 0, audio_end_ms: audioEndMs });
  }
}
