// Resampler throughput in × real time on one core: seconds of audio converted per second of
// wall time, fed the way the audio engine feeds it (128-frame render quanta from an
// AudioWorklet, and 20 ms chunks), with the allocating `process()` API.
// For context, the same stream through linear interpolation (the tutorial approach, no
// anti-aliasing: it fails the 60 dB alias test in test/codec/resampler.test.ts).
// Run: npx tsx bench/audio/resampler.bench.ts  (or npm run bench -- audio)
import { Resampler } from '../../src/codec/resampler';
import { machine, measure, type Measured } from './measure';

const STREAM_SECONDS = 2;

interface Case {
  inputRate: number;
  outputRate: number;
  chunk: number;
  label: string;
}

const CASES: Case[] = [
  { inputRate: 48000, outputRate: 24000, chunk: 128, label: '128-frame quanta' },
  { inputRate: 48000, outputRate: 24000, chunk: 960, label: '20 ms chunks' },
  { inputRate: 44100, outputRate: 24000, chunk: 128, label: '128-frame quanta' },
  { inputRate: 44100, outputRate: 24000, chunk: 882, label: '20 ms chunks' },
  { inputRate: 24000, outputRate: 48000, chunk: 480, label: '20 ms chunks' },
  { inputRate: 24000, outputRate: 44100, chunk: 480, label: '20 ms chunks' },
  { inputRate: 16000, outputRate: 24000, chunk: 320, label: '20 ms chunks' },
  { inputRate: 8000, outputRate: 24000, chunk: 160, label: '20 ms chunks' },
  { inputRate: 24000, outputRate: 8000, chunk: 480, label: '20 ms chunks' },
];

function signal(sampleRate: number, seconds: number): Float32Array {
  const samples = new Float32Array(sampleRate * seconds);
  let seed = 3;
  for (let i = 0; i < samples.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    samples[i] = 0.4 * Math.sin((2 * Math.PI * 220 * i) / sampleRate) + (seed / 2 ** 32 - 0.5) * 0.1;
  }
  return samples;
}

/** Linear interpolation, streaming: what tutorial code does, for scale only. */
function linearStream(inputRate: number, outputRate: number): (chunk: Float32Array) => Float32Array {
  const step = inputRate / outputRate;
  let position = 0; // of the next output, relative to the first sample of the next chunk
  let previous = 0;
  return (chunk) => {
    const count = Math.max(0, Math.ceil((chunk.length - 1 - position) / step));
    const out = new Float32Array(count);
    for (let n = 0; n < count; n++) {
      const at = position + n * step;
      const index = Math.floor(at);
      const fraction = at - index;
      const left = index < 0 ? previous : chunk[index]!;
      out[n] = left + ((chunk[index + 1] ?? left) - left) * fraction;
    }
    position += count * step - chunk.length;
    previous = chunk[chunk.length - 1] ?? previous;
    return out;
  };
}

const realTime = (result: Measured): string =>
  `${Math.round(result.opsPerSecond * STREAM_SECONDS)}× (${Math.round(result.max * STREAM_SECONDS)}×)`;

function streamOnce(process: (chunk: Float32Array) => Float32Array, input: Float32Array, chunk: number): number {
  let produced = 0;
  for (let offset = 0; offset < input.length; offset += chunk) produced += process(input.subarray(offset, offset + chunk)).length;
  return produced;
}

console.log(`Resampler throughput, one core, ${STREAM_SECONDS} s streams. ${machine()}.\n`);
console.log('| conversion | fed as | voxwire `Resampler`, × real time: median (best round) | linear interpolation, no anti-aliasing: median (best) |');
console.log('|---|---|---:|---:|');
for (const { inputRate, outputRate, chunk, label } of CASES) {
  const input = signal(inputRate, STREAM_SECONDS);
  const resampler = new Resampler({ inputRate, outputRate });
  let linear = linearStream(inputRate, outputRate);
  const [ours, naive] = measure(
    [
      {
        name: 'voxwire',
        run: () => {
          const produced = streamOnce((part) => resampler.process(part), input, chunk);
          resampler.reset();
          return produced;
        },
      },
      {
        name: 'linear',
        run: () => {
          const produced = streamOnce(linear, input, chunk);
          linear = linearStream(inputRate, outputRate);
          return produced;
        },
      },
    ],
    { rounds: 5, minRoundMs: 200, warmupMs: 200 },
  );
  console.log(
    `| ${inputRate / 1000} kHz → ${outputRate / 1000} kHz | ${label} | ${realTime(ours!)} | ${realTime(naive!)} |`,
  );
}
