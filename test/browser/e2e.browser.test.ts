/**
 * End to end in real Chromium, on each audio path: off the main thread (the socket in a Worker
 * linked to the worklets, from a Blob URL and, under a strict Content-Security-Policy, from
 * its file), the main-thread path (`offThread: false`), and the fallbacks (no Worker; a strict
 * CSP without `workerUrl`). The page's RealtimeClient talks to the MockRealtimeServer over
 * the WebSocket transport; the fake microphone asks the question, the mock answers with the
 * long reply, and the user barges in (the interruption clip) while it plays. The server must
 * cancel the response (VAD) and receive a truncate whose audio_end_ms is the worklet's
 * acknowledged played count, and which agrees within 3 ms with the reply audio really rendered,
 * measured on the recorded output (underrun silence excluded, so a loaded machine that starves
 * the player still passes: what must hold is that the truncate names what the user heard).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resampler } from '../../src/codec/resampler';
import { pcm16ToFloat } from '../../src/codec/pcm16';
import { base64ToPcm16 } from '../../src/codec/base64';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { createScenario } from '../../src/testing/script/scenario';
import { bundlePage, chromiumAvailable, launchChromium, serveAudioPage, startTestServer, writeBargeInMicrophone, type LaunchedBrowser, type TestServer } from './harness';
import type { BargeInOptions, BargeInResult } from './pages/e2e-page';
import { TAP_SOURCE, assertRecorded } from './pages/tap-worklet';
import { buildSocketWorker } from '../../scripts/build-worklets';
import { base64ToFloat32 } from './signal';

const enabled = chromiumAvailable();

/** One way the page runs: its options, its CSP, and which path the audio must take. */
interface PathCase {
  name: string;
  /**
   * Compare the truncate with the recorded output. The fallbacks take the main-thread path,
   * whose comparison the `offThread: false` case already makes.
   */
  measureRendered: boolean;
  options: BargeInOptions;
  strictCsp: boolean;
  offThread: boolean;
}

const appListens = (path: PathCase): boolean => path.options.appListens === true;

const cases: PathCase[] = [
  { name: 'off the main thread (Worker from a Blob URL)', options: { offThread: true }, strictCsp: false, offThread: true, measureRendered: true },
  { name: 'off the main thread under a strict CSP (Worker from workerUrl)', options: { offThread: true, workerUrl: '/worklets/socket-worker.js' }, strictCsp: true, offThread: true, measureRendered: true },
  {
    name: 'off the main thread, the app listening to chunk and audio',
    options: { offThread: true, appListens: true },
    strictCsp: false,
    offThread: true,
    // This case failed the comparison 2 runs in 3 ("25 ms counted as played but not in the
    // recording"): the recorder's blocks were concatenated as if Chromium called it every
    // quantum; tap-worklet.ts now places them by their frame.
    measureRendered: true,
  },
  { name: 'main thread (offThread: false)', options: { offThread: false }, strictCsp: false, offThread: false, measureRendered: true },
  { name: 'fallback: no Worker in the page', options: { offThread: true, withoutWorker: true }, strictCsp: false, offThread: false, measureRendered: false },
  { name: 'fallback: strict CSP without workerUrl (blob: Worker refused)', options: { offThread: true }, strictCsp: true, offThread: false, measureRendered: false },
];

describe.skipIf(!enabled).each(cases)('barge-in end to end (RealtimeClient + MockRealtimeServer + Chromium), $name', (path) => {
  let directory: string;
  let server: TestServer;
  let mock: MockRealtimeServer;
  let browser: LaunchedBrowser;
  let result: BargeInResult;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'voxwire-e2e-'));
    const microphone = await writeBargeInMicrophone(directory);
    mock = new MockRealtimeServer({
      scenario: createScenario('barge-in').turn((turn) => turn.hears("What's the weather like in Paris today?").plays('reply-long')).build(),
      // The app-listening case compares the appends with the chunk events.
      log: { keepAudio: appListens(path) },
      // Ahead of playback, as the API sends it: at the real-time pace the client held only the
      // player's prebuffer (~100 ms) more than it had played, and at load 20 a page whose main
      // thread ran the barge-in's task that much after the last delta's had played it all, so
      // there was nothing left to truncate (correctly, and the test failed).
      audioPace: 1.5,
    });
    const { url } = await mock.start();
    server = await startTestServer();
    await serveAudioPage(server);
    server.serve('/e2e', { type: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>e2e</title><script type="module" src="/e2e.js"></script>' });
    server.serve('/e2e.js', { type: 'text/javascript', body: await bundlePage('test/browser/pages/e2e-page.ts') });
    server.serve('/tap.js', { type: 'text/javascript', body: TAP_SOURCE });
    server.serve('/worklets/socket-worker.js', { type: 'text/javascript', body: await buildSocketWorker({ minify: false }) });
    if (path.strictCsp) server.setHeaders('/e2e', { 'content-security-policy': "script-src 'self'; worker-src 'self'" });
    browser = await launchChromium({ fakeMicrophoneWav: microphone });
    await browser.page.goto(`${server.origin}/e2e`);
    await browser.page.waitForFunction(() => document.title === 'ready');
    try {
      result = (await browser.page.evaluate(`window.vx.bargeIn(${JSON.stringify(url)}, ${JSON.stringify(path.options)})`)) as BargeInResult;
    } catch (error) {
      throw new Error(`the barge-in page failed: ${String(error)}\n${browser.logs.join('\n')}`);
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mock?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('connected with subprotocol auth and streamed the microphone', () => {
    expect(result.errors).toEqual([]);
    const connection = mock.connections[0]!;
    expect(connection.authVia).toBe('subprotocol');
    expect(connection.apiKey).toBe('ek_browser_test');
    expect(mock.filter('input_audio_buffer.append').length).toBeGreaterThan(150);
    if (!path.offThread) expect(mock.filter('input_audio_buffer.append').length).toBe(result.chunksSent);
  });

  it(path.offThread ? 'kept every audio byte off the main thread' : 'took the main-thread path', () => {
    const { main } = result;
    expect(main.deltas).toBeGreaterThan(0);
    if (path.offThread && appListens(path)) {
      // The app asked for the audio: the deltas reach the page whole (the client decodes them
      // for its `audio` event; the player does not play them twice), and copies of the chunks
      // come for `chunk`, but the Worker still sends the appends.
      expect(main).toMatchObject({ pageSockets: 0, workers: 1, captureChunks: 0, pageAppends: 0 });
      expect(main.deltaPayloadChars).toBeGreaterThan(0);
      expect(main.workerMessagesWithAudio).toBe(main.deltas);
    } else if (path.offThread) {
      // The socket lives in the Worker; the page saw the deltas without their payload, no
      // capture chunk, no write to the player, and no Worker message carried audio.
      expect(main).toMatchObject({ pageSockets: 0, workers: 1, deltaPayloadChars: 0, workerMessagesWithAudio: 0, captureChunks: 0, playerWrites: 0, pageAppends: 0 });
      expect(result.chunksSent).toBe(0);
    } else {
      expect(main.pageSockets).toBe(1);
      expect(main.deltaPayloadChars).toBeGreaterThan(0);
      expect(main.playerWrites).toBeGreaterThan(0);
      expect(main.pageAppends).toBe(mock.filter('input_audio_buffer.append').length);
    }
  });

  if (appListens(path)) {
    it('delivered the chunk and audio events the app listens to, with the samples that went on the wire and came off it', async () => {
      const listened = result.listened!;
      // Every append the Worker sent is a run of the chunk events' samples, in order.
      // The captured chunks (480 samples each), not the page's own large append at the end.
      const appended = mock
        .filter('input_audio_buffer.append')
        .map((entry) => base64ToPcm16((entry.event as unknown as { audio: string }).audio))
        .filter((chunk) => chunk.length === 480);
      const chunkStream = base64ToPcm16(listened.chunkSamplesBase64);
      expect(appended.length).toBeGreaterThan(150);
      expect(listened.chunkEvents).toBeGreaterThanOrEqual(appended.length);
      // Aligned on the first loud chunk (silence would match anywhere).
      const loud = appended.findIndex((chunk) => chunk.some((value) => Math.abs(value) > 1000));
      let offset = -1;
      for (let start = 0; start + 480 <= chunkStream.length && offset < 0; start += 480) {
        if (appended[loud]!.every((value, i) => value === chunkStream[start + i])) offset = start - loud * 480;
      }
      expect(offset).toBeGreaterThanOrEqual(0);
      const sent = new Int16Array(appended.reduce((sum, chunk) => sum + chunk.length, 0));
      appended.reduce((at, chunk) => (sent.set(chunk, at), at + chunk.length), 0);
      expect(chunkStream.subarray(offset, offset + sent.length)).toEqual(sent);
      // One audio event per delta, carrying the reply from its first sample: what the client counted.
      expect(listened.audioEvents).toBe(result.main.deltas);
      const heard = base64ToPcm16(listened.audioSamplesBase64);
      const reply = await loadFixtureAudio('reply-long');
      expect(heard.length).toBeGreaterThan(0);
      expect(heard).toEqual(reply.pcm.subarray(0, heard.length));
      expect(result.interrupted!.receivedMs).toBeCloseTo((heard.length / 24000) * 1000, 6);
    });

    it('reports the socket\u2019s bufferedAmount from the Worker: the large frame at once, then 0 once it left', () => {
      const listened = result.listened!;
      expect(listened.bufferedAfterSend).toBeGreaterThanOrEqual(listened.appendChars);
      expect(listened.drained).toBe(true);
    });
  }

  it('cancelled the reply when the user barged in', () => {
    const cancelledByClient = mock.filter('response.cancel').length > 0;
    const cancelledByVad = mock.filter({ type: 'response.done', response: { status: 'cancelled' } }).length > 0;
    expect(cancelledByClient || cancelledByVad).toBe(true);
    // A failure says what the page measured and what the mock sent when (seen once at load 20:
    // truncated false, which means the player had played everything the client had received).
    const timeline = mock
      .filter({})
      .map((entry) => `${entry.direction === 'received' ? '<' : '>'}${(entry.event as { type: string }).type}@${Math.round(entry.at)}`)
      .filter((line) => !line.includes('append') && !line.includes('transcript.delta'));
    const detail = JSON.stringify({ interruptions: result.interruptions, ack: result.ack, started: result.started, underruns: result.underruns, timeline });
    expect(result.interrupted, detail).toMatchObject({ reason: 'speech', truncated: true });
  });

  it('truncated at exactly the played count the worklet acknowledged', () => {
    const truncates = mock.filter('conversation.item.truncate');
    expect(truncates).toHaveLength(1);
    const truncate = truncates[0]!.event as unknown as { item_id: string; content_index: number; audio_end_ms: number };
    const ack = result.ack!;
    expect(ack).toBeDefined();
    expect(ack.stale).toBe(false);
    expect(truncate.item_id).toBe(ack.itemId);
    expect(truncate.content_index).toBe(ack.contentIndex);
    expect(truncate.audio_end_ms).toBe(Math.floor((ack.playedSamples / ack.sampleRate) * 1000));
    expect(result.interrupted!.playedMs).toBe(truncate.audio_end_ms);
    // Something was really cut, and the mock accepted it (no error back).
    expect(truncate.audio_end_ms).toBeLessThan(result.interrupted!.receivedMs!);
    expect(mock.filter('conversation.item.truncated')).toHaveLength(1);
    expect(mock.filter({ type: 'error' })).toHaveLength(0);
  });

  // Declared only where it applies (the fallbacks repeat the main-thread case's comparison).
  if (path.measureRendered) it('agrees within 3 ms with the reply audio the recorder heard, underrun silence excluded', async () => {
    const truncate = mock.filter('conversation.item.truncate')[0]!.event as unknown as { audio_end_ms: number };
    const ack = result.ack!;
    const clockMs = (ack.silentAt - result.started!.contextTime) * 1000;
    // The reply resampled to the context rate, as the player renders it (frame k is the reply
    // at k / rate): its leading digital silence included, so the resampler's symmetric filter
    // rings up to ~1.1 ms before the first non-zero sample here as it does in the output.
    const reply = await loadFixtureAudio('reply-long');
    const rate = result.contextSampleRate;
    const resampler = new Resampler({ inputRate: reply.sampleRate, outputRate: rate });
    const reference = Float32Array.from([...resampler.process(pcm16ToFloat(reply.pcm)), ...resampler.flush()]);
    let referenceFirst = 0;
    while (reference[referenceFirst] === 0) referenceFirst += 1;
    // The recorder on the output confirms the clock's start: the reply's first non-zero frame
    // came out when the worklet said the reply started.
    const heardStart = (result.tap.first - referenceFirst) / rate;
    const tap = base64ToFloat32(result.tap.samplesBase64);
    const silentFrame = Math.round(ack.silentAt * rate) - result.tap.startFrame;
    const fadeFrame = Math.round(ack.fadeStartedAt * rate) - result.tap.startFrame;
    // The recorder heard the whole reply: from 3 ms before its start (the resampler's
    // symmetric filter) to 20 ms after the acknowledged silence.
    const startedFrame = Math.round(result.started!.contextTime * rate);
    assertRecorded({ ...result.tap, length: tap.length }, startedFrame - Math.round(rate * 0.003), silentFrame + result.tap.startFrame + Math.round(rate * 0.02));

    // What was rendered of the reply: the recorded output from its first non-zero frame to the
    // fade, with its digital silence (an underrun's, or the reply's own pauses) taken out,
    // matched against the reference from its first non-zero frame with its pauses taken out;
    // then the fade's frames, which count as played.
    const heardFrames = soundingFrames(tap.subarray(result.tap.first - result.tap.startFrame, fadeFrame));
    // The reply's own silences are pauses far longer than a render quantum, never single frames.
    expect(Math.min(...zeroRuns(reference.subarray(referenceFirst)))).toBeGreaterThanOrEqual(128);
    const fadeMs = (ack.silentAt - ack.fadeStartedAt) * 1000;
    const position = positionAfter(reference.subarray(referenceFirst), heardFrames);
    const renderedMs = ((referenceFirst + position.from) / rate) * 1000 + fadeMs;
    const renderedUpToMs = ((referenceFirst + position.to) / rate) * 1000 + fadeMs;
    // The clock runs from the reply's first sample (its leading silence included) to the acknowledgement.
    const gapMs = clockMs - renderedMs;
    process.stdout.write(
      `[e2e ${path.name}] audio_end_ms ${truncate.audio_end_ms}, rendered ${renderedMs.toFixed(2)}${renderedUpToMs > renderedMs ? `-${renderedUpToMs.toFixed(2)}` : ''} ms (diff ${(truncate.audio_end_ms - renderedMs).toFixed(2)} ms), ` +
        `clock ${clockMs.toFixed(2)} ms, underruns ${result.underruns} (silence in the reply's span ${gapMs.toFixed(1)} ms), ` +
        `output start per recorder vs worklet ${((heardStart - result.started!.contextTime) * 1000).toFixed(2)} ms, ` +
        `speech_started → output silent ${result.speechStartedToSilentMs?.toFixed(1)} ms, received ${result.interrupted!.receivedMs!.toFixed(0)} ms\n`,
    );
    // The count and the recording are both the audio thread's: on either path, and however late
    // the page was, the truncate names what was rendered to within the floor to whole ms.
    const toleranceMs = 3;
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(renderedMs - toleranceMs);
    expect(truncate.audio_end_ms).toBeLessThanOrEqual(renderedUpToMs + toleranceMs);
    // No more can have played than the time that passed (underruns only add time).
    expect(truncate.audio_end_ms).toBeLessThanOrEqual(clockMs + 20);
    // An underrun in the reply's leading silence (a loaded machine) delays its first sound by
    // at most the silence the clock saw.
    const startOffsetMs = (heardStart - result.started!.contextTime) * 1000;
    expect(startOffsetMs).toBeGreaterThan(-3);
    expect(startOffsetMs).toBeLessThan(3 + Math.max(0, gapMs));
    // After the acknowledged moment the output is silent until the next reply starts.
    expect(tap.subarray(silentFrame, silentFrame + Math.round(rate * 0.02)).every((value) => value === 0)).toBe(true);
  });
});

/**
 * Frames of `samples` that are not exactly 0. Every exact zero in the output is silence: the
 * reply resampled has exact zeros only in its pauses (the test checks that), and an underrun's
 * silence may be shorter than a render quantum (the queue runs dry mid-quantum and playback
 * resumes at the start of the next).
 */
function soundingFrames(samples: Float32Array): number {
  let frames = 0;
  for (const sample of samples) if (sample !== 0) frames += 1;
  return frames;
}

/** The lengths of the runs of exact zeros in `samples`. */
function zeroRuns(samples: Float32Array): number[] {
  const runs: number[] = [];
  let zeros = 0;
  for (const sample of samples) {
    if (sample === 0) {
      zeros += 1;
    } else if (zeros > 0) {
      runs.push(zeros);
      zeros = 0;
    }
  }
  return zeros > 0 ? [...runs, zeros] : runs;
}

/**
 * The frames of `reference` after which `frames` non-zero frames have gone by: one frame, or a
 * range when that point is the start of a pause (the output cannot tell how far into the
 * reply's own pause it was cut).
 */
function positionAfter(reference: Float32Array, frames: number): { from: number; to: number } {
  let counted = 0;
  let at = frames === 0 ? 0 : reference.length;
  for (let index = 0; index < reference.length && counted < frames; index += 1) {
    if (reference[index] !== 0 && ++counted === frames) at = index + 1;
  }
  let to = at;
  while (to < reference.length && reference[to] === 0) to += 1;
  return { from: at, to };
}
