/**
 * checkAudio() in Node with injected fakes, for the paths headless Chromium cannot take: an
 * AudioContext that waits for a gesture (headless Chromium ignores the autoplay policy), a page
 * without media devices, a permission not asked yet, no devices at all, a busy microphone. The
 * real-browser paths are in test/browser/diagnose.browser.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkAudio } from '../../../src/audio/diagnose/check-audio';
import type { MediaDevicesLike } from '../../../src/audio/devices';

/** A context like Chromium's before a gesture: suspended, and resume() pending until one. */
function suspendedContext(): AudioContext {
  return {
    state: 'suspended',
    sampleRate: 48000,
    resume: () => new Promise<void>(() => undefined),
    close: () => Promise.resolve(),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  } as unknown as AudioContext;
}

function fakeDevices(overrides: Partial<MediaDevicesLike> = {}): MediaDevicesLike {
  const track = { label: 'Desk mic', stop: () => undefined, getSettings: () => ({ sampleRate: 8000, deviceId: 'mic-1' }) };
  const stream = { getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  return {
    getUserMedia: () => Promise.resolve(stream),
    enumerateDevices: () =>
      Promise.resolve([
        { kind: 'audioinput', deviceId: 'mic-1', label: 'Desk mic', groupId: 'g1' },
        { kind: 'audiooutput', deviceId: 'default', label: 'Speakers', groupId: 'g2' },
      ] as MediaDeviceInfo[]),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    ...overrides,
  };
}

const granted = { query: () => Promise.resolve({ state: 'granted' } as PermissionStatus) };

describe('checkAudio with injected fakes', () => {
  it('reports a context that waits for a user gesture, with the fix, and never hangs on its pending resume()', async () => {
    const report = await checkAudio({ context: suspendedContext(), mediaDevices: fakeDevices(), permissions: granted, resumeTimeoutMs: 20 });
    expect(report.context).toEqual({ status: 'needsUserGesture', sampleRate: 48000, needsUserGesture: true });
    const problem = report.problems.find((entry) => entry.code === 'AUDIO_CONTEXT_NEEDS_GESTURE');
    expect(problem).toMatchObject({ severity: 'warning' });
    expect(problem!.fix).toContain('click');
    // The device's rate is reported even though nothing could be captured: 8 kHz is too low.
    expect(report.capture).toEqual({ trackSampleRate: 8000, contextSampleRate: 48000, label: 'Desk mic', deviceId: 'mic-1' });
    expect(report.problems.find((entry) => entry.code === 'LOW_CAPTURE_RATE')!.reason).toContain('8000 Hz');
    expect(report.input).toBeUndefined();
    expect(report.devices.inputs).toEqual([{ deviceId: 'mic-1', label: 'Desk mic', groupId: 'g1', kind: 'audioinput', isDefault: false }]);
  });

  it('reports a page without media devices (an insecure origin) and no Web Audio, and still answers', async () => {
    const saved = (globalThis as { navigator?: unknown }).navigator;
    const report = await checkAudio({ permissions: granted, mediaDevices: undefined });
    expect((globalThis as { navigator?: unknown }).navigator).toBe(saved);
    expect(report.ok).toBe(false);
    const codes = report.problems.map((problem) => problem.code);
    expect(codes).toContain('MEDIA_DEVICES_UNAVAILABLE');
    expect(codes).toContain('AUDIO_CONTEXT_UNAVAILABLE');
    expect(report.problems.find((problem) => problem.code === 'MEDIA_DEVICES_UNAVAILABLE')!.fix).toContain('https://');
    // Errors first, then warnings, then information.
    const order = report.problems.map((problem) => ({ error: 0, warning: 1, info: 2 })[problem.severity]);
    expect(order).toEqual([...order].sort());
  });

  it('without opening the microphone, says the browser will prompt', async () => {
    let opened = false;
    const report = await checkAudio({
      microphone: false,
      context: suspendedContext(),
      resumeTimeoutMs: 20,
      mediaDevices: fakeDevices({ getUserMedia: () => ((opened = true), Promise.reject(new Error('not expected'))) }),
      permissions: { query: () => Promise.resolve({ state: 'prompt' } as PermissionStatus) },
    });
    expect(opened).toBe(false);
    expect(report.permission).toBe('prompt');
    expect(report.problems.find((problem) => problem.code === 'MICROPHONE_PERMISSION_PROMPT')).toMatchObject({ severity: 'info' });
  });

  it.each([
    { name: 'NotAllowedError', code: 'MICROPHONE_PERMISSION_DENIED' },
    { name: 'NotFoundError', code: 'NO_MICROPHONE' },
    { name: 'NotReadableError', code: 'MICROPHONE_UNREADABLE' },
  ])('names a getUserMedia $name as $code', async ({ name, code }) => {
    const failure = Object.assign(new Error(`${name} from the fake`), { name });
    const report = await checkAudio({
      context: suspendedContext(),
      resumeTimeoutMs: 20,
      mediaDevices: fakeDevices({ getUserMedia: () => Promise.reject(failure) }),
      permissions: { query: () => Promise.reject(new TypeError("'microphone' is not a valid permission name")) },
    });
    expect(report.permission).toBe('unknown');
    expect(report.problems.find((problem) => problem.code === code)).toMatchObject({ severity: 'error' });
    expect(report.problems.find((problem) => problem.code === code)!.reason).toContain(name);
    expect(report.ok).toBe(false);
  });

  it('reports no devices listed: no microphone (error) and no outputs (information)', async () => {
    const report = await checkAudio({
      context: suspendedContext(),
      resumeTimeoutMs: 20,
      mediaDevices: fakeDevices({ enumerateDevices: () => Promise.resolve([]) }),
      permissions: granted,
    });
    expect(report.problems.find((problem) => problem.code === 'NO_MICROPHONE')).toMatchObject({ severity: 'error' });
    expect(report.problems.find((problem) => problem.code === 'NO_OUTPUT_DEVICE')).toMatchObject({ severity: 'info' });
  });

  it('reports an echo check that could not run when the context never starts', async () => {
    const report = await checkAudio({ context: suspendedContext(), resumeTimeoutMs: 20, mediaDevices: fakeDevices(), permissions: granted, echo: true });
    expect(report.echo).toBeUndefined();
    expect(report.problems.find((problem) => problem.code === 'ECHO_CHECK_FAILED')).toMatchObject({ severity: 'warning' });
  });
});
