/**
 * Audio device lists (microphones and outputs), from `navigator.mediaDevices`. Labels are
 * empty until the page has microphone permission (a browser privacy rule), so list devices
 * after `MicrophoneCapture.start()`.
 */

import { RealtimeError } from '../base/errors';

/** One audio device. */
export interface AudioDevice {
  /** Pass it as `deviceId` (capture) or `outputDeviceId` (player). */
  deviceId: string;
  /** Human-readable name; empty before permission is granted. */
  label: string;
  /** Devices in one physical unit (a headset's mic and speaker) share it. */
  groupId: string;
  /** A microphone (`audioinput`) or a speaker (`audiooutput`). */
  kind: 'audioinput' | 'audiooutput';
  /** True for the entry the browser calls `default` (Chromium lists it separately). */
  isDefault: boolean;
}

/** The slice of `MediaDevices` voxwire uses; inject a fake in tests. */
export type MediaDevicesLike = Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;

/**
 * `mediaDevices` or the browser's own.
 *
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when there is none (an insecure page or
 *   a runtime without media devices).
 */
export function resolveMediaDevices(mediaDevices: MediaDevicesLike | undefined): MediaDevicesLike {
  if (mediaDevices !== undefined) return mediaDevices;
  const found = (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike } }).navigator?.mediaDevices;
  if (found === undefined) {
    throw new RealtimeError(
      'VOXWIRE_AUDIO_UNSUPPORTED',
      'navigator.mediaDevices is not available: microphones need a secure page (https:// or http://localhost) in a browser.',
    );
  }
  return found;
}

async function list(kind: AudioDevice['kind'], mediaDevices: MediaDevicesLike | undefined): Promise<AudioDevice[]> {
  const devices = await resolveMediaDevices(mediaDevices).enumerateDevices();
  return devices
    .filter((device) => device.kind === kind)
    .map((device) => ({
      deviceId: device.deviceId,
      label: device.label,
      groupId: device.groupId,
      kind,
      isDefault: device.deviceId === 'default',
    }));
}

/**
 * Lists the microphones.
 *
 * @param mediaDevices - Where to look. @default navigator.mediaDevices
 *
 * @example
 * ```ts
 * const microphones = await listAudioInputDevices();
 * await capture.setDevice(microphones[1].deviceId);
 * ```
 */
export function listAudioInputDevices(mediaDevices?: MediaDevicesLike): Promise<AudioDevice[]> {
  return list('audioinput', mediaDevices);
}

/**
 * Lists the audio outputs (speakers, headsets).
 *
 * @param mediaDevices - Where to look. @default navigator.mediaDevices
 */
export function listAudioOutputDevices(mediaDevices?: MediaDevicesLike): Promise<AudioDevice[]> {
  return list('audiooutput', mediaDevices);
}

/** The microphone processing a capture asks for. */
export interface MicrophoneConstraints {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

/**
 * Opens a microphone (undefined `deviceId`: the default one), turning the browser's refusals
 * into errors that say what to do.
 *
 * @throws {RealtimeError} `VOXWIRE_AUDIO_DEVICE` when permission is denied, the device is
 *   missing or busy; `VOXWIRE_AUDIO_UNSUPPORTED` without media devices.
 */
export async function openMicrophone(
  mediaDevices: MediaDevicesLike | undefined,
  constraints: MicrophoneConstraints,
  deviceId: string | undefined,
): Promise<MediaStream> {
  const resolved = resolveMediaDevices(mediaDevices);
  const audio: MediaTrackConstraints = { ...constraints, channelCount: { ideal: 1 } };
  if (deviceId !== undefined) audio.deviceId = { exact: deviceId };
  try {
    return await resolved.getUserMedia({ audio });
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    const reason =
      name === 'NotAllowedError' || name === 'SecurityError'
        ? 'microphone permission was denied; ask the user to allow it in the browser (and OS) settings'
        : name === 'NotFoundError' || name === 'OverconstrainedError'
          ? deviceId === undefined
            ? 'no microphone was found'
            : `the microphone ${JSON.stringify(deviceId)} was not found; list devices again`
          : name === 'NotReadableError'
            ? 'the microphone is in use by another application or failed'
            : describeError(error);
    throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', `MicrophoneCapture could not open the microphone: ${reason}.`, { cause: error });
  }
}

/** An error's name and message, for messages that wrap it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
