/**
 * Runtime health in Node: the tracker announces each problem once and its end once, the stuck
 * microphone watch on synthetic level reports, and the capture and player watches driven by
 * the events those objects emit. The real objects in Chromium: test/browser/diagnose.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EventEmitter } from '../../../src/base/emitter';
import { RealtimeError } from '../../../src/base/errors';
import { ConstantWatch, HealthTracker, watchCaptureHealth, watchPlayerHealth } from '../../../src/audio/diagnose/health';
import { audioProblem, type AudioHealthInfo } from '../../../src/audio/diagnose/problems';
import { toAudioLevel } from '../../../src/audio/levels';

function tracked(): { health: HealthTracker; events: AudioHealthInfo[] } {
  const events: AudioHealthInfo[] = [];
  return { health: new HealthTracker((event) => events.push(event)), events };
}

describe('HealthTracker', () => {
  it('announces a problem once while active, its end once, and lists what is active', () => {
    const { health, events } = tracked();
    const silent = audioProblem('MICROPHONE_SILENT', 'silent for 3000 ms', 'unmute');
    health.begin(silent);
    health.begin(silent);
    expect(health.active).toEqual([silent]);
    health.end('MICROPHONE_SILENT', 'sound came back');
    health.end('MICROPHONE_SILENT', 'again');
    health.end('MICROPHONE_LOST', 'never began');
    expect(events).toEqual([
      { ...silent, active: true },
      { ...silent, reason: 'sound came back', active: false },
    ]);
    expect(health.active).toEqual([]);
  });
});

describe('ConstantWatch', () => {
  const level = (rms: number, peak: number, seconds: number) => toAudioLevel(rms, peak, seconds);

  it('reports a value stuck for the timeout (RMS equal to peak), once, and its recovery', () => {
    const watch = new ConstantWatch(1000);
    const seen: Array<boolean | undefined> = [];
    for (let i = 0; i <= 12; i++) seen.push(watch.observe(level(0.25, 0.25, i / 10)));
    expect(seen.filter((change) => change === true)).toHaveLength(1);
    expect(seen.indexOf(true)).toBe(10);
    expect(watch.observe(level(0.1, 0.3, 1.3))).toBe(false);
    expect(watch.observe(level(0.1, 0.3, 1.4))).toBeUndefined();
  });

  it('never calls speech, a tone, silence or a beep stuck, and 0 turns it off', () => {
    const watch = new ConstantWatch(200);
    for (let t = 0; t < 3; t += 0.033) {
      expect(watch.observe(level(0.1, 0.35, t))).toBeUndefined(); // speech-like
      expect(watch.observe(level(0.35, 0.5, t))).toBeUndefined(); // a tone (RMS = peak / 1.41)
      expect(watch.observe(level(0, 0, t))).toBeUndefined(); // digital silence is the silence watch's
    }
    const off = new ConstantWatch(0);
    expect(off.observe(level(0.25, 0.25, 0))).toBeUndefined();
    expect(off.observe(level(0.25, 0.25, 10))).toBeUndefined();
  });
});

/** Stands in for MicrophoneCapture: the same events, emitted by the test. */
class FakeCapture extends EventEmitter<{
  state: [state: { status: string }];
  silence: [info: { silent: boolean; durationMs: number }];
  level: [level: ReturnType<typeof toAudioLevel>];
  device: [device: { deviceId: string | undefined; label: string }];
}> {
  stream: MediaStream | undefined;
}

function fakeTrack(): MediaStreamTrack {
  const target = new EventTarget();
  return target as unknown as MediaStreamTrack;
}

describe('watchCaptureHealth', () => {
  it('turns the capture events into health: context, silence, a stuck value, a lost and replaced device, and ends all on stop', () => {
    const capture = new FakeCapture();
    const { health, events } = tracked();
    watchCaptureHealth(capture, health, 500);
    const track = fakeTrack();
    capture.stream = { getAudioTracks: () => [track] } as unknown as MediaStream;

    capture.emit('state', { status: 'needsUserGesture' });
    capture.emit('state', { status: 'capturing' });
    capture.emit('silence', { silent: true, durationMs: 3000 });
    capture.emit('silence', { silent: false, durationMs: 3500 });
    for (let i = 0; i <= 6; i++) capture.emit('level', toAudioLevel(0.5, 0.5, i / 10));
    track.dispatchEvent(new Event('ended'));
    const replacement = fakeTrack();
    capture.stream = { getAudioTracks: () => [replacement] } as unknown as MediaStream;
    capture.emit('device', { deviceId: 'default', label: 'Default mic' });
    // The old track is no longer watched; the new one is.
    track.dispatchEvent(new Event('ended'));
    expect(health.active.map((problem) => problem.code)).toEqual(['MICROPHONE_CONSTANT']);
    replacement.dispatchEvent(new Event('ended'));
    capture.emit('state', { status: 'stopped' });

    expect(events.map((event) => `${event.active ? '+' : '-'}${event.code}`)).toEqual([
      '+AUDIO_CONTEXT_NEEDS_GESTURE',
      '-AUDIO_CONTEXT_NEEDS_GESTURE',
      '+MICROPHONE_SILENT',
      '-MICROPHONE_SILENT',
      '+MICROPHONE_CONSTANT',
      '+MICROPHONE_LOST',
      '-MICROPHONE_LOST',
      '+MICROPHONE_LOST',
      '-MICROPHONE_CONSTANT',
      '-MICROPHONE_LOST',
    ]);
    expect(events[2]!.reason).toContain('3000 ms');
    expect(events[6]!.reason).toContain('"Default mic"');
    expect(events.at(-1)!.reason).toBe('The microphone capture stopped.');
    expect(health.active).toEqual([]);
  });
});

class FakePlayer extends EventEmitter<{ state: [state: { status: string }]; error: [error: RealtimeError] }> {
  context: AudioContext | undefined;
}

describe('watchPlayerHealth', () => {
  it('reports an interrupted context until it runs, and a failed output device until a new context plays', () => {
    const player = new FakePlayer();
    const { health, events } = tracked();
    watchPlayerHealth(player, health);
    const context = new EventTarget() as unknown as AudioContext;
    player.context = context;
    player.emit('state', { status: 'ready' });
    player.emit('state', { status: 'interrupted' });
    player.emit('state', { status: 'ready' });
    player.emit('error', new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'Could not switch the audio output to "headset".'));
    player.emit('error', new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'Could not switch the audio output to "headset".'));
    player.emit('state', { status: 'closed' });
    // A new player context after a failure: the device works again.
    const second = new FakePlayer();
    watchPlayerHealth(second, health);
    second.emit('error', new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'not a device problem'));
    second.emit('error', new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'Could not switch the audio output to "usb".'));
    second.context = new EventTarget() as unknown as AudioContext;
    second.emit('state', { status: 'ready' });
    expect(events.map((event) => `${event.active ? '+' : '-'}${event.code}`)).toEqual([
      '+AUDIO_CONTEXT_INTERRUPTED',
      '-AUDIO_CONTEXT_INTERRUPTED',
      '+OUTPUT_DEVICE_FAILED',
      '-OUTPUT_DEVICE_FAILED',
      '+OUTPUT_DEVICE_FAILED',
      '-OUTPUT_DEVICE_FAILED',
    ]);
    expect(events[2]!.reason).toContain('"headset"');
    expect(events[3]!.reason).toBe('The player closed.');
    expect(events[4]!.reason).toContain('"usb"');
    expect(events[5]!.reason).toBe('Audio plays again.');
  });
});
