/**
 * The conversation's public shapes: an entry, its content parts, the changes and transcript
 * updates the model reports. The model itself is `Conversation` (conversation.ts).
 */

/** Where an item stands. `incomplete`: cut off by a drop or a limit; `cancelled`: interrupted or aborted. */
export type ConversationEntryStatus = 'in_progress' | 'completed' | 'incomplete' | 'cancelled';

/**
 * Where an item the client sent stands: `pending` until the server acknowledges it
 * (`conversation.item.added`/`done` with its id), `delivered` after, `failed` when the server
 * refused it or the client ended before any session acknowledged it.
 */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One content part of an entry, text only: audio bytes are never kept, only their duration. */
export interface ConversationContent {
  /** The wire content type (`input_text`, `input_audio`, `output_text`, `output_audio`, `input_image`...). */
  type: string;
  /** The text, or the transcript of audio (possibly partial while deltas arrive). */
  text: string;
  /** Milliseconds of audio received for this part (assistant output audio). */
  audioMs: number;
}

/**
 * One item of the conversation as the app sees it: text and figures, no audio bytes, so an
 * hour-long session stays small. Entries outlive connections.
 */
export interface ConversationEntry {
  /** The item id (kept across reconnects: replayed items reuse it). */
  readonly id: string;
  /**
   * `message`, `function_call`, `function_call_output`, `reasoning` (a reasoning model's
   * reasoning: its summary and content text in `content`, never replayed), or an MCP item type.
   */
  readonly type: string;
  /** For messages. */
  role: 'user' | 'assistant' | 'system' | undefined;
  /** Where the item stands. */
  status: ConversationEntryStatus;
  /** The content parts, text only. */
  content: ConversationContent[];
  /** All text of the entry joined: typed text, transcripts, or function arguments/output. */
  text: string;
  /** Set when the item was truncated to what the user heard. */
  truncatedAtMs: number | undefined;
  /** For function calls and their outputs. */
  callId: string | undefined;
  /** For function calls: the tool name. */
  name: string | undefined;
  /** For function calls: the JSON arguments (complete once `status` is `completed`). */
  arguments: string | undefined;
  /** For function call outputs. */
  output: string | undefined;
  /** The response that produced the item, for assistant items. */
  responseId: string | undefined;
  /** How many sessions have seen this item; more than 1 after a reconnect replayed it. */
  sessions: number;
  /**
   * The item as the server sent it, for item types this SDK does not know (`reasoning` on
   * older releases, or whatever the API adds next): such an entry keeps its place, has no text,
   * and is never replayed. Undefined for known types.
   */
  raw: Readonly<Record<string, unknown>> | undefined;
  /** For items this client sent: whether the server has acknowledged them. Undefined for the server's items. */
  delivery: DeliveryState | undefined;
}


/** What changed, as emitted by the client's `conversation` event. */
export type ConversationChange =
  | {
      /** A new entry joined the conversation. */
      kind: 'added';
      /** The entry. */
      entry: ConversationEntry;
    }
  | {
      /** An entry's text, status or content changed. */
      kind: 'updated';
      /** The entry, as it is now. */
      entry: ConversationEntry;
    }
  | {
      /** An assistant entry's audio was cut short, as when the user interrupts it. */
      kind: 'truncated';
      /** The entry, with its text cut to what was heard. */
      entry: ConversationEntry;
      /** Where the audio was cut, in milliseconds from its start. */
      audioEndMs: number;
    }
  | {
      /** An entry left the conversation (`conversation.item.deleted`). */
      kind: 'removed';
      /** The entry that was removed. */
      entry: ConversationEntry;
    };

/** A transcript delta or final, as emitted by the client's `transcript` event. */
export interface TranscriptUpdate {
  /** Who spoke (or typed). */
  role: 'user' | 'assistant';
  /** The item the text belongs to. */
  itemId: string;
  /** The content part index. */
  contentIndex: number;
  /** The new text (empty for a final without new text). */
  delta: string;
  /** The whole text of the part so far. */
  text: string;
  /** True when the part's text is complete. */
  final: boolean;
}

/** The result of applying one server event. */
export interface ConversationUpdate {
  /** The entries that changed, in order. */
  changes: ConversationChange[];
  /** The transcript deltas and finals the event carried. */
  transcripts: TranscriptUpdate[];
}
