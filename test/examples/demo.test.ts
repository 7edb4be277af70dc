import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/codec/wav';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { runExample } from './run-example';


interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs the demo as `npm run demo` would (tsx, no build), piped, without an API key. */
function runDemo(args: string[], timeoutMs = 30_000): Promise<DemoRun> {
  return runExample('node-cli/demo.ts', args, timeoutMs);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voxwire-demo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run demo (examples/node-cli/demo.ts)', () => {
  it('--api live: holds the conversation with the mock GPT-Live server; the delegated get_weather runs here; reply WAV, usage in seconds, exit 0', async () => {
    const out = join(dir, 'live-reply.wav');
    const run = await runDemo(['--api', 'live', '--fast', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const index = (line: string | RegExp): number => run.lines.findIndex((candidate) => (typeof line === 'string' ? candidate === line : line.test(candidate)));
    const expected = [
      /^server voxwire mock GPT-Live server at ws:\/\/127\.0\.0\.1:\d+\/v1\/live\/sessions/,
      /^delegated to the responses backend \(del_/,
      'tool: get_weather({"location":"Paris"})',
      /^tool: get_weather → \{"location":"Paris","celsius":18,"sky":"sunny",.*\}/,
      "assistant: It's 18 degrees and sunny in Paris.",
      'summary',
    ];
    const positions = expected.map(index);
    expect(positions.every((position) => position >= 0), `missing lines in:\n${run.stdout}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(run.lines).toContain("you: What's the weather like in Paris today?");
    expect(run.stdout).toMatch(/usage\s+\d+\.\d s of session · estimated \$\d+\.\d{4} at gpt-live-1 prices as of \d{4}-\d\d-\d\d/);
    // The reply WAV is the answer the mock spoke: the reply-weather clip, sample for sample.
    const wav = readWav(await readFile(out));
    const reply = await loadFixtureAudio('reply-weather');
    expect(wav.samples.length).toBe(reply.pcm.length);
    expect(Buffer.from(wav.samples.buffer, wav.samples.byteOffset, wav.samples.byteLength).equals(Buffer.from(reply.pcm.buffer, reply.pcm.byteOffset, reply.pcm.byteLength))).toBe(true);
  });

  it('holds the whole conversation with the mock server: transcript, tool call, reply WAV, summary, exit 0', async () => {
    const out = join(dir, 'reply.wav');
    const run = await runDemo(['--fast', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    // Piped output is line by line: status changes, the transcript, the tool call, in order.
    const index = (line: string | RegExp): number =>
      run.lines.findIndex((candidate) => (typeof line === 'string' ? candidate === line : line.test(candidate)));
    const expected = [
      /^\[status\] connecting to ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/,
      '[status] listening',
      '[status] thinking',
      "you: What's the weather like in Paris today?",
      '[status] calling get_weather...',
      'tool: get_weather({"location":"Paris"})',
      /^tool: get_weather → \{"location":"Paris","celsius":18,"sky":"sunny",.*\}/,
      '[status] speaking',
      "assistant: It's 18 degrees and sunny in Paris.",
      'summary',
    ];
    const positions = expected.map(index);
    expect(positions.every((position) => position >= 0), `missing lines in:\n${run.stdout}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // No line is a redraw: a piped run never writes carriage returns or escape codes.
    expect(run.stdout).not.toMatch(/[\r\u001b]/);

    expect(run.stdout).toMatch(/turns\s+1 spoken question\(s\), 2 response\(s\), 1 tool call\(s\) \(get_weather\)/);
    expect(run.stdout).toMatch(/first audio\s+\d+\.\d\d s after you stopped speaking/);
    expect(run.stdout).toMatch(/tokens\s+\d+ in \(\d+ audio, \d+ text, \d+ cached\) · \d+ out \(\d+ audio, \d+ text\)/);
    expect(run.stdout).toMatch(/estimated cost\s+\$\d+\.\d{4} at gpt-realtime-2.1 prices as of \d{4}-\d\d-\d\d/);

    // The reply WAV is the assistant's answer: the reply-weather clip the mock played, sample for sample.
    const wav = readWav(await readFile(out));
    const reply = await loadFixtureAudio('reply-weather');
    expect(wav).toMatchObject({ sampleRate: 24000, channels: 1 });
    expect(wav.samples.length).toBe(reply.pcm.length);
    expect(Buffer.from(wav.samples.buffer, wav.samples.byteOffset, wav.samples.byteLength).equals(Buffer.from(reply.pcm.buffer, reply.pcm.byteOffset, reply.pcm.byteLength))).toBe(true);
    expect(run.stdout).toContain(`reply audio    ${out} (2.65 s, 24 kHz mono PCM16)`);
  });

  it('resamples a --input at another rate (48 kHz) to 24 kHz and still holds the conversation', async () => {
    const out = join(dir, 'reply-48k.wav');
    const run = await runDemo(['--fast', '--input', 'fixtures/audio/question-48k.wav', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('(converted from 48000 Hz, 1 channel(s))');
    expect(run.lines).toContain("you: What's the weather like in Paris today?");
    expect(run.lines).toContain("assistant: It's 18 degrees and sunny in Paris.");
    expect(readWav(await readFile(out)).samples.length).toBeGreaterThan(0);
  });

  it('shows reconnecting after a dropped connection, asks again and still finishes', async () => {
    const out = join(dir, 'reply-drop.wav');
    const run = await runDemo(['--fast', '--simulate-drop', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.some((line) => /^\[status\] reconnecting \(attempt 1, in \d+\.\d\d s, after close code 1006\)$/.test(line))).toBe(true);
    expect(run.lines).toContain('(reconnected: a new session, with the conversation so far replayed into it)');
    expect(run.lines).toContain("assistant: It's 18 degrees and sunny in Paris.");
    expect(run.stdout).toMatch(/3 response\(s\) \(1 cut off by a connection drop\)/);
    // Only the completed answer is in the file, not the part that was cut off.
    expect(readWav(await readFile(out)).samples.length).toBe((await loadFixtureAudio('reply-weather')).pcm.length);
  });

  it('says WebRTC needs a browser instead of faking it (exit 2)', async () => {
    const run = await runDemo(['--transport', 'webrtc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--transport webrtc needs a browser');
    expect(run.stderr).toContain('examples/browser');
  });

  it('fails clearly on a missing input file (exit 1), an unknown voice and an unknown option (exit 2)', async () => {
    const missing = await runDemo(['--fast', '--input', 'no-such-file.wav']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read --input no-such-file.wav: no such file.');

    const voice = await runDemo(['--voice', 'robot']);
    expect(voice.code).toBe(2);
    expect(voice.stderr).toContain('Unknown voice "robot". The Realtime voices are: alloy, ash');

    const option = await runDemo(['--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--bogus'");
    expect(option.stderr).toContain('Usage: npm run demo');
  });

  it('fails with a clear message when the input holds no speech (exit 1)', async () => {
    const run = await runDemo(['--fast', '--input', 'fixtures/audio/silence.wav', '--out', join(dir, 'none.wav')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The server heard no speech in fixtures/audio/silence.wav');
  });
});
