// Parse + validate cost of incoming server events against JSON.parse alone, on a realistic
// mix: per turn, ~100 `response.output_audio.delta` frames with ~6.4 KB of base64 (100 ms of
// 24 kHz PCM16 each), 30 transcript deltas, the lifecycle events of a turn and one
// `response.done` with usage. Side by side in one run:
//   - JSON.parse alone (what tutorial code does: no validation at all);
//   - voxwire `parseServerEvent` (validators generated at build time from the zod/mini
//     schemas by scripts/gen-validators.mjs: plain closures, no zod at run time, no code
//     generated at run time, CSP-clean);
//   - voxwire's schemas checked by zod/mini's own runtime parser (JSON.parse + lookup +
//     z.validate), i.e. without the generated validators;
//   - the same schemas rebuilt in classic zod, whose objects JIT-compile with `new Function`
//     (what a CSP-unsafe build would gain);
//   - @openai/agents-realtime's `parseRealtimeEvent` (classic zod, discriminated union).
// Run: npx tsx bench/events/parse.bench.ts  (or npm run bench -- events)
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as zc from 'zod';
import * as z from 'zod/mini';
import { parseServerEvent, serverEventSchemas } from '../../src/events';

type AnyMini = z.core.$ZodType;
type Frame = { type: string; text: string };

// ---------------------------------------------------------------------------------------------
// The mix.

let seed = 0x2545f491;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}
function base64Audio(bytes: number): string {
  const data = new Uint8Array(bytes);
  for (let index = 0; index < bytes; index += 1) data[index] = Math.floor(random() * 256);
  return Buffer.from(data).toString('base64');
}
const words = 'sure here is what I found about the weather in Paris today it will be sunny with light wind'.split(' ');

function turn(turnIndex: number, audioDeltas: number): Frame[] {
  const ids = { response_id: `resp_C9G8p7IH2WxLbkgPNou${turnIndex}`, item_id: `item_C9G8pGVKYnaZu8PH5YQ${turnIndex}` };
  let eventCounter = 0;
  const event = (fields: Record<string, unknown>): Frame => {
    eventCounter += 1;
    const full = { ...fields, event_id: `event_C9G8pqbTEddBSIxb${turnIndex}x${eventCounter}` };
    return { type: String(fields.type), text: JSON.stringify(full) };
  };
  const content = { ...ids, output_index: 0, content_index: 0 };
  const frames: Frame[] = [
    event({ type: 'input_audio_buffer.speech_started', audio_start_ms: 1000, item_id: 'item_user' }),
    event({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: 2400, item_id: 'item_user' }),
    event({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: 'item_user' }),
    event({
      type: 'conversation.item.added',
      previous_item_id: null,
      item: { id: 'item_user', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] },
    }),
    event({
      type: 'response.created',
      response: { object: 'realtime.response', id: ids.response_id, status: 'in_progress', status_details: null, output: [], usage: null, metadata: null },
    }),
    event({
      type: 'response.output_item.added',
      response_id: ids.response_id,
      output_index: 0,
      item: { id: ids.item_id, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    }),
    event({ type: 'response.content_part.added', ...content, part: { type: 'output_audio', transcript: '' } }),
  ];
  const transcript: string[] = [];
  for (let index = 0; index < audioDeltas; index += 1) {
    frames.push(event({ type: 'response.output_audio.delta', ...content, delta: base64Audio(4800) }));
    if (index % 10 < 3) {
      const word = `${words[(index + turnIndex) % words.length]} `;
      transcript.push(word);
      frames.push(event({ type: 'response.output_audio_transcript.delta', ...content, delta: word, obfuscation: 'aLxx0jTEci' }));
    }
  }
  const text = transcript.join('');
  frames.push(
    event({ type: 'response.output_audio.done', ...content }),
    event({ type: 'response.output_audio_transcript.done', ...content, transcript: text }),
    event({ type: 'response.content_part.done', ...content, part: { type: 'output_audio', transcript: text } }),
    event({
      type: 'response.output_item.done',
      response_id: ids.response_id,
      output_index: 0,
      item: { id: ids.item_id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: text }] },
    }),
    event({
      type: 'response.done',
      response: {
        object: 'realtime.response',
        id: ids.response_id,
        status: 'completed',
        status_details: null,
        output: [{ id: ids.item_id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: text }] }],
        conversation_id: 'conv_CCXHsurMKcaVxIZvaCI5m',
        output_modalities: ['audio'],
        max_output_tokens: 'inf',
        audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
        usage: {
          total_tokens: 253,
          input_tokens: 132,
          output_tokens: 121,
          input_token_details: { text_tokens: 119, audio_tokens: 13, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 } },
          output_token_details: { text_tokens: 30, audio_tokens: 91 },
        },
        metadata: null,
      },
    }),
    event({ type: 'rate_limits.updated', rate_limits: [{ name: 'tokens', limit: 50000, remaining: 49700, reset_seconds: 60 }] }),
  );
  return frames;
}

// The main mix: 8 ten-second replies. A second mix of 8 two-second replies (20 audio deltas
// each) has proportionally more lifecycle events, the frames that cost most to validate.
const mix: Frame[] = [];
for (let index = 0; index < 8; index += 1) mix.push(...turn(index, 100));
const shortMix: Frame[] = [];
for (let index = 0; index < 8; index += 1) shortMix.push(...turn(index + 100, 20));

function describeMix(frames: readonly Frame[]): string {
  const count = (type: string) => frames.filter((frame) => frame.type === type).length;
  const bytes = frames.reduce((sum, frame) => sum + frame.text.length, 0);
  return (
    `${frames.length} frames in 8 turns (${count('response.output_audio.delta')} audio deltas, ` +
    `${count('response.output_audio_transcript.delta')} transcript deltas, ${count('response.done')} response.done), ` +
    `${(bytes / frames.length / 1024).toFixed(1)} KiB per frame on average`
  );
}

// ---------------------------------------------------------------------------------------------
// The same schemas in classic zod, rebuilt from the zod/mini definitions so they are identical.

function toClassic(schema: AnyMini): zc.ZodType {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object': {
      const shape: Record<string, zc.ZodType> = {};
      for (const [key, value] of Object.entries(def.shape as Record<string, AnyMini>)) shape[key] = toClassic(value);
      const catchall = (def.catchall as AnyMini | undefined)?._zod.def.type;
      return catchall === 'unknown' ? zc.looseObject(shape) : catchall === 'never' ? zc.strictObject(shape) : zc.object(shape);
    }
    case 'string':
      return zc.string();
    case 'number':
      return def.format === 'safeint' ? zc.int() : zc.number();
    case 'boolean':
      return zc.boolean();
    case 'unknown':
      return zc.unknown();
    case 'literal':
      return zc.literal(def.values as [string]);
    case 'enum':
      return zc.enum(def.entries as Record<string, string>);
    case 'optional':
      return zc.optional(toClassic(def.innerType as AnyMini));
    case 'nullable':
      return zc.nullable(toClassic(def.innerType as AnyMini));
    case 'array':
      return zc.array(toClassic(def.element as AnyMini));
    case 'record':
      return zc.record(zc.string(), toClassic(def.valueType as AnyMini));
    case 'union': {
      const options = (def.options as AnyMini[]).map(toClassic);
      if (typeof def.discriminator === 'string') {
        return zc.discriminatedUnion(def.discriminator, options as unknown as [zc.ZodObject, ...zc.ZodObject[]]);
      }
      return zc.union(options as unknown as [zc.ZodType, zc.ZodType]);
    }
    default:
      throw new Error(`toClassic: unsupported schema type ${def.type}`);
  }
}

const miniByType = new Map<string, AnyMini>(Object.entries(serverEventSchemas));
const classicByType = new Map<string, zc.ZodType>([...miniByType].map(([type, schema]) => [type, toClassic(schema)]));

// ---------------------------------------------------------------------------------------------
// The peer: @openai/agents-realtime does not export its parser, so load its module file.

const peerPath = fileURLToPath(new URL('../../node_modules/@openai/agents-realtime/dist/openaiRealtimeEvents.mjs', import.meta.url));
readFileSync(peerPath); // fail loudly here if the devDependency is missing
const peer = (await import(pathToFileURL(peerPath).href)) as {
  parseRealtimeEvent: (event: { data: string }) => { data: unknown; isGeneric: boolean };
};

// ---------------------------------------------------------------------------------------------
// Harness: variants run interleaved (the first one rotates each round, so none always runs
// right after another's garbage), many rounds, median ns/event. No forced gc() between rounds:
// a full collection can flush compiled code, which penalises the JIT-heavy variants unfairly.

type Variant = { name: string; run: (text: string) => boolean };
const variants: Variant[] = [
  { name: 'JSON.parse alone (no validation)', run: (text) => typeof JSON.parse(text) === 'object' },
  {
    name: 'voxwire parseServerEvent',
    run: (text) => {
      const result = parseServerEvent(text);
      return result.ok && result.known;
    },
  },
  {
    name: 'voxwire schemas, zod/mini runtime only',
    run: (text) => {
      const value = JSON.parse(text) as { type: string };
      const schema = miniByType.get(value.type);
      return schema !== undefined && z.validate(schema, value);
    },
  },
  {
    name: 'same schemas in classic zod (JIT, needs new Function)',
    run: (text) => {
      const value = JSON.parse(text) as { type: string };
      const schema = classicByType.get(value.type);
      return schema !== undefined && zc.validate(schema, value);
    },
  },
  {
    name: '@openai/agents-realtime parseRealtimeEvent',
    // The peer delivers events its schemas reject as generic events; count every delivery.
    run: (text) => peer.parseRealtimeEvent({ data: text }).data !== null,
  },
];

const ROUNDS = 25;
const WARMUP_ROUNDS = 5;
const PASSES = 2;

function measure(run: (text: string) => boolean, inputs: readonly string[]): number {
  // At least ~2000 calls per sample, so small inputs are not lost in timer resolution.
  const passes = Math.max(PASSES, Math.ceil(2000 / inputs.length));
  let valid = 0;
  const start = process.hrtime.bigint();
  for (let pass = 0; pass < passes; pass += 1) {
    for (const text of inputs) if (run(text)) valid += 1;
  }
  const elapsed = Number(process.hrtime.bigint() - start);
  if (valid !== inputs.length * passes) throw new Error(`only ${valid} of ${inputs.length * passes} frames were valid`);
  return elapsed / (inputs.length * passes);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function runAll(inputs: readonly string[], chosen: readonly Variant[]): number[] {
  const samples = chosen.map(() => [] as number[]);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let offset = 0; offset < chosen.length; offset += 1) {
      const index = (round + offset) % chosen.length;
      const ns = measure((chosen[index] as Variant).run, inputs);
      if (round >= WARMUP_ROUNDS) samples[index]?.push(ns);
    }
  }
  return samples.map(median);
}

const pad = (text: string, width: number) => text.padEnd(width);
const fmt = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;

console.log(`Node ${process.version}; ${ROUNDS} interleaved rounds after ${WARMUP_ROUNDS} warm-up rounds; median per event.`);
for (const [label, frames] of [
  ['Realistic mix (10 s replies)', mix],
  ['Short replies (2 s)', shortMix],
] as const) {
  const results = runAll(
    frames.map((frame) => frame.text),
    variants,
  );
  const baseline = results[0] ?? Number.NaN;
  console.log(`\n${label}: ${describeMix(frames)}`);
  console.log(`${pad('variant', 56)} ${pad('per event', 12)} vs JSON.parse`);
  variants.forEach((variant, index) => {
    const ns = results[index] ?? Number.NaN;
    console.log(`${pad(variant.name, 56)} ${pad(fmt(ns), 12)} ${(ns / baseline).toFixed(3)}x`);
  });
}

// Validation alone (JSON already parsed), per hot event type: what staying non-JIT costs.
console.log(`\nValidation only (JSON already parsed), per hot event type, ns per event:`);
console.log(`${pad('event type', 40)} ${pad('zod/mini', 10)} ${pad('classic JIT', 12)} ${pad('voxwire', 9)} mini/JIT  voxwire/JIT`);
for (const type of ['response.output_audio.delta', 'response.output_audio_transcript.delta', 'response.done']) {
  const values = mix.filter((frame) => frame.type === type).map((frame) => JSON.parse(frame.text) as Record<string, unknown>);
  const mini = miniByType.get(type) as AnyMini;
  const classic = classicByType.get(type) as zc.ZodType;
  // Index into the pre-parsed values so only validation is timed.
  const indexes = values.map((_, index) => String(index));
  const [miniNs = 0, classicNs = 0, voxwireNs = 0] = runAll(indexes, [
    { name: 'mini', run: (index) => z.validate(mini, values[Number(index)]) },
    { name: 'classic', run: (index) => zc.validate(classic, values[Number(index)]) },
    {
      name: 'voxwire',
      run: (index) => {
        const result = parseServerEvent(values[Number(index)] as object);
        return result.ok && result.known;
      },
    },
  ]);
  console.log(
    `${pad(type, 40)} ${pad(miniNs.toFixed(0), 10)} ${pad(classicNs.toFixed(0), 12)} ${pad(voxwireNs.toFixed(0), 9)} ` +
      `${pad(`${(miniNs / classicNs).toFixed(2)}x`, 9)} ${(voxwireNs / classicNs).toFixed(2)}x`,
  );
}
