/**
 * How the conversation model builds and updates one entry from wire items and deltas: the
 * entry's fields, its parts, its joined text (kept linear while a reply streams), the cut to
 * what was heard, and its replay form. `Conversation` (conversation.ts) orders the entries.
 */
import type { ConversationItem, ConversationItemInput } from '../events/items';
import type { ConversationContent, ConversationEntry } from './conversation-types';

/** Item types the conversation model reads; any other type is kept whole in `raw`. */
const KNOWN_ITEM_TYPES = new Set(['message', 'function_call', 'function_call_output', 'reasoning', 'mcp_call', 'mcp_list_tools', 'mcp_approval_request', 'mcp_approval_response']);

export function createEntry(item: ConversationItem, responseId: string | undefined): ConversationEntry {
  const record = item as { id?: string; type: string; role?: ConversationEntry['role']; call_id?: string; name?: string };
  return {
    id: record.id as string,
    type: record.type,
    role: record.role,
    status: 'in_progress',
    content: [],
    text: '',
    truncatedAtMs: undefined,
    callId: record.call_id,
    name: record.name,
    arguments: undefined,
    output: undefined,
    responseId,
    sessions: 1,
    raw: KNOWN_ITEM_TYPES.has(record.type) ? undefined : (item as Record<string, unknown>),
    delivery: undefined,
  };
}

export function mergeItem(entry: ConversationEntry, item: ConversationItem): void {
  if (entry.raw !== undefined) {
    // An item type we do not know: keep its latest form whole, read nothing from it.
    entry.raw = item as Record<string, unknown>;
    const status = (item as { status?: unknown }).status;
    if (status === 'completed' || status === 'incomplete') entry.status = status;
    return;
  }
  if (entry.type === 'reasoning') {
    mergeReasoning(entry, item);
    return;
  }
  const record = item as {
    status?: string | null;
    content?: Array<{ type?: string; text?: string | null; transcript?: string | null }> | null;
    arguments?: string;
    output?: string;
    call_id?: string;
    name?: string;
  };
  if (record.status === 'completed' || record.status === 'incomplete') entry.status = record.status;
  if (record.call_id) entry.callId = record.call_id;
  if (record.name) entry.name = record.name;
  if (typeof record.arguments === 'string' && record.arguments.length > 0) entry.arguments = record.arguments;
  if (typeof record.output === 'string') entry.output = record.output;
  (record.content ?? []).forEach((incoming, index) => {
    const part = partAt(entry, index, incoming.type ?? 'unknown');
    const text = incoming.text ?? incoming.transcript;
    // Never overwrite assembled deltas with the empty transcript an early event carries.
    if (typeof text === 'string' && text.length > 0 && entry.truncatedAtMs === undefined) part.text = text;
  });
  entry.text = joinText(entry);
}

/** A reasoning item's text: its summary parts, then its content parts (`reasoning_text`), as the server last sent them. */
function mergeReasoning(entry: ConversationEntry, item: ConversationItem): void {
  const record = item as { status?: unknown; summary?: unknown; content?: unknown };
  if (record.status === 'completed' || record.status === 'incomplete') entry.status = record.status;
  const parts = [record.summary, record.content].flatMap((list) => (Array.isArray(list) ? (list as Array<{ type?: unknown; text?: unknown } | null>) : []));
  const content = parts.filter((part) => typeof part?.text === 'string' && part.text.length > 0).map((part) => ({ type: String(part?.type), text: part?.text as string, audioMs: 0 }));
  // An empty summary on `added` must not wipe the text a later event gave.
  if (content.length > 0 || entry.content.length === 0) entry.content = content;
  entry.text = joinText(entry);
}

export function partAt(entry: ConversationEntry, index: number, type: string): ConversationContent {
  while (entry.content.length <= index) entry.content.push({ type, text: '', audioMs: 0 });
  return entry.content[index] as ConversationContent;
}

export function joinText(entry: ConversationEntry): string {
  if (entry.type === 'function_call') return entry.arguments ?? '';
  if (entry.type === 'function_call_output') return entry.output ?? '';
  return entry.content
    .map((part) => part.text)
    .filter((text) => text.length > 0)
    .join(' ');
}

/**
 * The entry's text after `delta` was appended to part `index` (which held `before`): linear in
 * the delta when the part is the last one with text, which is where a reply streams (joining
 * every part on every delta made a long reply with two parts quadratic). `entry.text` holds
 * {@link joinText} before the append; any other case joins again.
 */
export function appendedText(entry: ConversationEntry, index: number, before: string, delta: string): string {
  if (entry.type === 'function_call' || entry.type === 'function_call_output') return joinText(entry);
  if (delta === '') return entry.text;
  for (let later = index + 1; later < entry.content.length; later += 1) {
    if ((entry.content[later] as ConversationContent).text !== '') return joinText(entry);
  }
  if (before !== '') return entry.text + delta;
  return entry.text === '' ? delta : `${entry.text} ${delta}`;
}

/** Keeps the first `fraction` of `text`, ending on a word boundary. */
export function cutAtWord(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  if (fraction <= 0) return '';
  const cut = Math.round(text.length * fraction);
  const space = text.lastIndexOf(' ', cut);
  return (space > 0 ? text.slice(0, space) : text.slice(0, cut)).trimEnd();
}

export function toReplayItem(entry: ConversationEntry, outputs: Set<string | undefined>, calls: Set<string | undefined>): ConversationItemInput | undefined {
  if (entry.type === 'function_call') {
    if (!entry.callId || !outputs.has(entry.callId) || !entry.name) return undefined;
    return { id: entry.id, type: 'function_call', call_id: entry.callId, name: entry.name, arguments: entry.arguments ?? '{}' };
  }
  if (entry.type === 'function_call_output') {
    if (!entry.callId || !calls.has(entry.callId)) return undefined;
    return { id: entry.id, type: 'function_call_output', call_id: entry.callId, output: entry.output ?? '' };
  }
  if (entry.type !== 'message' || !entry.role || entry.text.trim().length === 0) return undefined;
  if (entry.role === 'assistant') return { id: entry.id, type: 'message', role: 'assistant', content: [{ type: 'output_text', text: entry.text }] };
  return { id: entry.id, type: 'message', role: entry.role, content: [{ type: 'input_text', text: entry.text }] };
}
