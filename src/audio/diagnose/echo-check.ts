/**
 * The browser half of the checks that listen: record a stretch of the microphone through a
 * running `MicrophoneCapture`, and play the echo probe while recording to find it again.
 */

import { pcm16ToFloat } from '../../codec/pcm16';
import type { MicrophoneCapture } from '../capture';
import { ECHO_MAX_DELAY_MS, ECHO_PROBE_MS } from '../defaults';
import { createEchoProbe, measureEcho, recommendEchoMitigation, type EchoMeasurement, type EchoRecommendation } from './signal';

/** The echo check's part of the report. */
export interface EchoCheckResult extends EchoMeasurement {
  /** The delay from playing the probe to hearing it, in ms (includes output and input latency). */
  delayMs: number;
  /** What to configure. */
  recommendation: EchoRecommendation;
}

/**
 * Records `sampleCount` samples of the capture's wire audio (counted in audio, not in wall
 * time, so a busy main thread does not shorten it). Resolves early with what arrived if
 * `timeoutMs` passes first (a context that stopped rendering).
 *
 * @internal
 */
export function recordCapture(capture: MicrophoneCapture, sampleCount: number, timeoutMs: number, onSubscribed?: () => void): Promise<Float32Array> {
  return new Promise((resolve) => {
    const chunks: Int16Array[] = [];
    let collected = 0;
    let unsubscribe = (): void => undefined;
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      const all = new Int16Array(collected);
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.length;
      }
      resolve(pcm16ToFloat(all));
    };
    const timer = setTimeout(finish, timeoutMs);
    unsubscribe = capture.subscribe((chunk) => {
      // The diagnostics capture is PCM16 (the default format): a Uint8Array would be G.711.
      if (!(chunk instanceof Int16Array)) return;
      chunks.push(chunk);
      collected += chunk.length;
      if (collected >= sampleCount) finish();
    });
    onSubscribed?.();
  });
}

/**
 * Plays the probe into `destination` while recording the capture, and measures where and how
 * loud it came back.
 *
 * @returns The measurement, or a string saying why the probe could not play.
 * @internal
 */
export async function runEchoCheck(capture: MicrophoneCapture, context: AudioContext, destination: AudioNode, timeoutMs: number): Promise<EchoCheckResult | string> {
  const wireRate = capture.sampleRate;
  const played = createEchoProbe(context.sampleRate, ECHO_PROBE_MS);
  const buffer = context.createBuffer(1, played.length, context.sampleRate);
  buffer.getChannelData(0).set(played);
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(destination);
  let ended = false;
  source.addEventListener('ended', () => {
    ended = true;
  });
  const maxDelaySamples = Math.round((wireRate * ECHO_MAX_DELAY_MS) / 1000);
  const probe = createEchoProbe(wireRate, ECHO_PROBE_MS);
  try {
    const recording = await recordCapture(capture, probe.length + maxDelaySamples, timeoutMs, () => source.start(context.currentTime + 0.05));
    if (!ended && recording.length < probe.length) return 'the probe did not play (the AudioContext is not running)';
    const measurement = measureEcho(probe, recording, { maxDelaySamples });
    return { ...measurement, delayMs: (measurement.delaySamples / wireRate) * 1000, recommendation: recommendEchoMitigation(measurement) };
  } finally {
    try {
      source.stop();
    } catch {
      // Never started or already ended.
    }
    source.disconnect();
  }
}
