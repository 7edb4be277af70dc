// The server event stream of bench/client/ingest.bench.ts: spoken turns in the shape of
// fixtures/events/audio-turn.jsonl and function-call-turn.jsonl (the GA events, their fields and
// order), repeated with fresh ids, varied lengths and random audio. Deterministic for a seed, so
// every client of a run, and every run, receives the same frames. Ids carry ROUND_MARK, which
// `roundFrame` replaces with the round's tag: a real session never repeats an id, and a client
// that saw an item or a call already treats it as known (voxwire runs a call id once). A round's
// first item follows the previous round's last (PREVIOUS_MARK), so rounds make one conversation.
import { readFileSync } from 'node:fs';

/** Stands in ids for the round's tag; never in base64, JSON syntax or the texts. */
export const ROUND_MARK = '~';
/** Stands in the first item's `previous_item_id` for the previous round's tag. */
const PREVIOUS_MARK = '^';

/** A frame of the stream split at {@link ROUND_MARK}, so a round's copy is one `join`. */
export type FramePattern = string[];

const tag = (round: number): string => round.toString(36).padStart(4, '0');

/** The frame for one round (1, 2, ...): the pattern joined with the round's tag (base 36, four characters). */
export function roundFrame(pattern: FramePattern, round: number): string {
  const frame = pattern.join(tag(round));
  return frame.includes(PREVIOUS_MARK) ? frame.replace(PREVIOUS_MARK, tag(round - 1)) : frame;
}

/** The stream of one round, as the frames the server sends, plus what it holds. */
export interface IngestStream {
  /** `session.created`, sent once when a client connects (outside the measured stream). */
  sessionCreated: string;
  /** The session the server confirms (`session.updated`) whenever a client sends `session.update`. */
  session: Record<string, unknown>;
  /** The frames of one round, in order, as patterns (ids to be tagged); the first is a `session.updated`. */
  frames: FramePattern[];
  /** How many frames of each type. */
  counts: Record<string, number>;
  /** PCM16 bytes carried by the `response.output_audio.delta` frames. */
  audioBytes: number;
  /** Seconds of assistant audio. */
  audioSeconds: number;
  /** Characters on the wire (the frames' lengths summed). */
  chars: number;
}

/** Options of {@link ingestStream}. */
export interface IngestStreamOptions {
  /** Spoken turns per round. */
  turns: number;
  /** Seed of the generator (the same seed, the same frames). @default 0x2545f491 */
  seed?: number;
  /** Every n-th turn starts with a function call (`get_weather`), answered after the client's output. @default 4 */
  functionCallEvery?: number;
  /** Shortest and longest assistant reply, in seconds. @default [3, 12] */
  replySeconds?: [number, number];
  /** Shortest and longest audio delta, in milliseconds of 24 kHz PCM16. @default [20, 50] */
  deltaMs?: [number, number];
}

const SAMPLE_RATE = 24_000;
/** Words a second of the assistant's transcript (one word per delta) and of the user's. */
const WORDS_PER_SECOND = 3;
const WORDS = 'sure here is what I found about the weather in Paris today it will be sunny with a light wind and about twenty one degrees this afternoon'.split(' ');
const QUESTION = ['What', "'s", ' the', ' weather', ' like', ' in', ' Paris', '?'];

const FIXTURE = new URL('../../fixtures/events/audio-turn.jsonl', import.meta.url);

/** The recorded session of the fixture (`session.created`): audio/pcm at 24 kHz in and out, server VAD. */
function fixtureSession(): Record<string, unknown> {
  const first = readFileSync(FIXTURE, 'utf8').split('\n')[0] as string;
  return (JSON.parse(first) as { event: { session: Record<string, unknown> } }).event.session;
}

const GET_WEATHER = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

/** Builds the stream of one round. */
export function ingestStream(options: IngestStreamOptions): IngestStream {
  const { turns, functionCallEvery = 4, replySeconds = [3, 12], deltaMs = [20, 50] } = options;
  let seed = options.seed ?? 0x2545f491;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const session = { ...fixtureSession(), tools: [GET_WEATHER] };
  const frames: FramePattern[] = [];
  const counts: Record<string, number> = {};
  let audioBytes = 0;
  let eventSeq = 0;
  const emit = (event: Record<string, unknown>): void => {
    eventSeq += 1;
    const type = event.type as string;
    counts[type] = (counts[type] ?? 0) + 1;
    frames.push(JSON.stringify({ event_id: `event_CiB${ROUND_MARK}${eventSeq.toString(36).padStart(5, '0')}`, ...event }).split(ROUND_MARK));
  };
  const id = (prefix: string, turn: number, n: number): string => `${prefix}_CiB${ROUND_MARK}${turn.toString(36).padStart(3, '0')}x${n}`;
  const audio = (bytes: number): string => {
    const data = Buffer.allocUnsafe(bytes);
    // Quiet noise: real PCM16 values, as random as speech to the codec.
    for (let index = 0; index < bytes; index += 2) data.writeInt16LE(Math.floor((random() - 0.5) * 8000), index);
    return data.toString('base64');
  };
  const usage = (input: number, output: number, audioIn: number, audioOut: number) => ({
    total_tokens: input + output,
    input_tokens: input,
    output_tokens: output,
    input_token_details: { text_tokens: input - audioIn, audio_tokens: audioIn, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 } },
    output_token_details: { text_tokens: output - audioOut, audio_tokens: audioOut },
  });
  const response = (responseId: string, status: 'in_progress' | 'completed', output: unknown[], responseUsage: unknown) => ({
    object: 'realtime.response',
    id: responseId,
    status,
    status_details: null,
    output,
    conversation_id: 'conv_CiB0001',
    output_modalities: ['audio'],
    max_output_tokens: 'inf',
    audio: { output: { format: { type: 'audio/pcm', rate: SAMPLE_RATE }, voice: 'marin' } },
    usage: responseUsage,
    metadata: null,
  });

  emit({ type: 'session.updated', session });
  let previousItem = id('item', turns - 1, 2).replace(ROUND_MARK, PREVIOUS_MARK);
  for (let turn = 0; turn < turns; turn += 1) {
    const userItem = id('item', turn, 0);
    // The user speaks; server VAD commits the turn and transcribes it while the reply starts.
    emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: turn * 15_000 + 40, item_id: userItem });
    emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: turn * 15_000 + 1_840, item_id: userItem });
    emit({ type: 'input_audio_buffer.committed', previous_item_id: previousItem, item_id: userItem });
    const userContent = { id: userItem, type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    emit({ type: 'conversation.item.added', previous_item_id: previousItem, item: userContent });
    emit({ type: 'conversation.item.done', previous_item_id: previousItem, item: userContent });
    previousItem = userItem;
    const withCall = functionCallEvery > 0 && turn % functionCallEvery === functionCallEvery - 1;
    let responseIndex = 0;
    const firstResponse = id('resp', turn, responseIndex);
    emit({ type: 'response.created', response: response(firstResponse, 'in_progress', [], null) });
    for (const delta of QUESTION) emit({ type: 'conversation.item.input_audio_transcription.delta', item_id: userItem, content_index: 0, delta, obfuscation: 'fJ2k' });
    emit({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: userItem,
      content_index: 0,
      transcript: QUESTION.join(''),
      usage: { type: 'tokens', total_tokens: 21, input_tokens: 14, input_token_details: { text_tokens: 0, audio_tokens: 14 }, output_tokens: 7 },
    });
    let responseId = firstResponse;
    if (withCall) {
      // The model calls get_weather; the client answers with a function_call_output and a
      // response.create (not echoed here), and the spoken answer follows.
      const callItem = id('item', turn, 1);
      const callId = `call_CiB${ROUND_MARK}${turn.toString(36)}`;
      const call = { id: callItem, object: 'realtime.item', type: 'function_call', status: 'in_progress', name: 'get_weather', call_id: callId, arguments: '' };
      emit({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item: call });
      emit({ type: 'conversation.item.added', previous_item_id: previousItem, item: call });
      for (const delta of ['{"ci', 'ty":"Pa', 'ris"}']) emit({ type: 'response.function_call_arguments.delta', response_id: responseId, item_id: callItem, output_index: 0, call_id: callId, delta });
      const done = { ...call, status: 'completed', arguments: '{"city":"Paris"}' };
      emit({ type: 'response.function_call_arguments.done', response_id: responseId, item_id: callItem, output_index: 0, call_id: callId, name: 'get_weather', arguments: done.arguments });
      emit({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: done });
      emit({ type: 'conversation.item.done', previous_item_id: previousItem, item: done });
      emit({ type: 'response.done', response: response(responseId, 'completed', [done], usage(210, 18, 0, 0)) });
      previousItem = callItem;
      responseIndex += 1;
      responseId = id('resp', turn, responseIndex);
      emit({ type: 'response.created', response: response(responseId, 'in_progress', [], null) });
    }
    // The spoken reply: audio deltas of 20-50 ms, a transcript word about every third of a second.
    const itemId = id('item', turn, 2);
    const content = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
    const message = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    emit({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item: message });
    emit({ type: 'conversation.item.added', previous_item_id: previousItem, item: message });
    emit({ type: 'response.content_part.added', ...content, part: { type: 'output_audio', transcript: '' } });
    const replyMs = between(replySeconds[0] * 1000, replySeconds[1] * 1000);
    const words: string[] = [];
    let sentMs = 0;
    let nextWordMs = 0;
    while (sentMs < replyMs) {
      const ms = between(deltaMs[0], deltaMs[1]);
      const bytes = Math.round((ms * SAMPLE_RATE) / 1000) * 2;
      audioBytes += bytes;
      emit({ type: 'response.output_audio.delta', ...content, delta: audio(bytes) });
      sentMs += ms;
      if (sentMs >= nextWordMs) {
        const word = `${words.length === 0 ? '' : ' '}${WORDS[(turn + words.length) % WORDS.length]}`;
        words.push(word);
        emit({ type: 'response.output_audio_transcript.delta', ...content, delta: word, obfuscation: 'Zp0' });
        nextWordMs += 1000 / WORDS_PER_SECOND;
      }
    }
    const transcript = words.join('');
    const part = { type: 'output_audio', transcript };
    const completed = { ...message, status: 'completed', content: [part] };
    emit({ type: 'response.output_audio.done', ...content });
    emit({ type: 'response.output_audio_transcript.done', ...content, transcript });
    emit({ type: 'response.content_part.done', ...content, part });
    emit({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: completed });
    emit({ type: 'conversation.item.done', previous_item_id: previousItem, item: completed });
    const audioTokens = Math.round(replyMs / 50);
    emit({ type: 'response.done', response: response(responseId, 'completed', [completed], usage(134 + turn * 40, audioTokens + 11, 14, audioTokens)) });
    emit({ type: 'rate_limits.updated', rate_limits: [{ name: 'tokens', limit: 50_000, remaining: 49_815 - turn * 200, reset_seconds: 60 }] });
    previousItem = itemId;
  }
  const sessionCreated = JSON.stringify({ event_id: 'event_CiB000000', type: 'session.created', session: fixtureSession() });
  return {
    sessionCreated,
    session,
    frames,
    counts,
    audioBytes,
    audioSeconds: audioBytes / 2 / SAMPLE_RATE,
    chars: frames.reduce((sum, frame) => sum + roundFrame(frame, 0).length, 0),
  };
}
