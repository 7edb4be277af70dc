/**
 * The mock WebRTC endpoint's audio: Opus decode of the microphone (with lost packets filled),
 * and the paced outbound track whose drain tells when audio has played out (what
 * `output_audio_buffer.stopped` waits for).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { OpusInbound, OpusOutbound, loadOpusCodecFactory, type OpusCodecFactory, type OpusRtpFrame } from '../../../src/testing/mock/webrtc-opus';
import { FakeClock } from '../../helpers/fake-clock';

let codecs: OpusCodecFactory;
beforeAll(async () => {
  codecs = await loadOpusCodecFactory();
});

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const value of samples) sum += value * value;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe('OpusOutbound', () => {
  it('sends one packet per 20 ms of wall time, and reports the drain once the audio played out', async () => {
    const clock = new FakeClock();
    const frames: Array<OpusRtpFrame & { at: number }> = [];
    const track = new OpusOutbound(codecs, (frame) => frames.push({ ...frame, at: clock.now() }), clock, () => 0.5);
    let drainedAt: number | undefined;
    track.write(new Int16Array(2400).fill(1000), 24000); // 100 ms
    track.drain(() => (drainedAt = clock.now()));
    await clock.advance(0);
    expect(frames).toHaveLength(2); // the first packet, and one of lead
    await clock.advance(50);
    expect(frames.length).toBeLessThanOrEqual(5);
    await clock.advance(200);
    expect(frames).toHaveLength(5);
    expect(frames.map((frame) => frame.marker)).toEqual([true, false, false, false, false]);
    expect(frames.map((frame) => (frame.timestamp - frames[0]!.timestamp) >>> 0)).toEqual([0, 960, 1920, 2880, 3840]);
    expect(frames.map((frame) => (frame.sequenceNumber - frames[0]!.sequenceNumber) & 0xffff)).toEqual([0, 1, 2, 3, 4]);
    // Played out when the last packet's 20 ms have elapsed: 100 ms after the start, not at the last write.
    expect(drainedAt).toBe(100);
    track.close();
  });

  it('pads a trailing partial frame, advances the RTP clock across silence, and a clear cancels the drain', async () => {
    const clock = new FakeClock();
    const frames: OpusRtpFrame[] = [];
    const track = new OpusOutbound(codecs, (frame) => frames.push(frame), clock, () => 0);
    track.write(new Int16Array(600), 24000); // 25 ms: one frame and a partial one
    await clock.advance(200);
    expect(frames).toHaveLength(2);
    await clock.advance(1000);
    track.write(new Int16Array(480), 48000); // 10 ms at 48 kHz: resampled, padded
    await clock.advance(200);
    expect(frames).toHaveLength(3);
    expect(frames[2]!.marker).toBe(true);
    expect((frames[2]!.timestamp - frames[1]!.timestamp) >>> 0).toBeGreaterThan(48_000);
    let drained = false;
    track.write(new Int16Array(24000), 24000);
    track.drain(() => (drained = true));
    await clock.advance(100);
    track.clear();
    await clock.advance(2000);
    expect(drained).toBe(false);
    expect(track.pendingMs).toBe(0);
    track.close();
  });
});

describe('OpusInbound', () => {
  it('decodes Opus to PCM16 at 24 kHz that still sounds like the input, and fills a lost packet', async () => {
    const clip = await loadFixtureAudio('question');
    const encoder = codecs(24000, 'voip');
    const decoded: Int16Array[] = [];
    const inbound = new OpusInbound(codecs, (pcm, rate) => {
      expect(rate).toBe(24000);
      decoded.push(pcm);
    });
    const speech = clip.pcm.subarray(24000 * 0.5, 24000 * 1.5);
    for (let index = 0; index < speech.length / 480; index++) {
      if (index === 10) continue; // lost
      const frame = speech.slice(index * 480, (index + 1) * 480);
      inbound.push(encoder.encode(new Uint8Array(frame.buffer), 480), 1000 + index);
    }
    inbound.push(new Uint8Array([1, 2, 3]), 1000 + 49); // a duplicate/late packet is dropped
    encoder.delete();
    inbound.close();
    const total = decoded.reduce((sum, part) => sum + part.length, 0);
    expect(total).toBe(speech.length);
    expect(decoded[10]!.every((value) => value === 0)).toBe(true);
    const joined = new Int16Array(total);
    let offset = 0;
    for (const part of decoded) {
      joined.set(part, offset);
      offset += part.length;
    }
    expect(rms(joined) / rms(speech)).toBeGreaterThan(0.7);
    expect(rms(joined) / rms(speech)).toBeLessThan(1.3);
  });
});
