/**
 * `checkAudio()`: tells a user (and the developer) why a voice app cannot hear or be heard:
 * microphone permission, devices, the capture rate obtained, the AudioContext and whether it
 * needs a gesture, a silent or stuck microphone, whether the worklet loads under the page's
 * Content-Security-Policy, output-device selection, and optionally echo from the speakers.
 */

import { MicrophoneCapture } from '../capture';
import type { MicrophoneCaptureOptions } from '../capture-types';
import { AudioContextLifecycle, type AudioContextStatus } from '../context-lifecycle';
import { CHECK_SETTLE_MS, DEFAULT_CHECK_LISTEN_MS, DEFAULT_RESUME_TIMEOUT_MS, LOW_CAPTURE_RATE_HZ } from '../defaults';
import { listAudioInputDevices, listAudioOutputDevices, openMicrophone, type AudioDevice, type MediaDevicesLike } from '../devices';
import { silentLogger } from '../../base/logger';
import { runEchoCheck, recordCapture, type EchoCheckResult } from './echo-check';
import { audioProblem, DEAD_MICROPHONE_FIX, PERMISSION_FIX, type AudioProblem } from './problems';
import { analyzeInputSignal, type InputSignalStats } from './signal';
import { checkWorklets, type WorkletCheck, type WorkletUrls } from './worklet-check';

/** The microphone permission as the Permissions API reports it; `unknown` where it cannot say. */
export type MicrophonePermission = 'granted' | 'denied' | 'prompt' | 'unknown';

/** The slice of `navigator.permissions` the check uses; inject a fake in tests. */
export type PermissionsLike = Pick<Permissions, 'query'>;

/**
 * Options of {@link checkAudio}. The microphone options are `MicrophoneCapture`'s, with the same
 * defaults and ownership: a `context` or `stream` you pass is never closed or stopped; pass the
 * ones your app will use so the check sees what the call will.
 */
export interface CheckAudioOptions
  extends Pick<MicrophoneCaptureOptions, 'context' | 'stream' | 'deviceId' | 'echoCancellation' | 'noiseSuppression' | 'autoGainControl' | 'mediaDevices'> {
  /**
   * Open the microphone (and so prompt for permission when it is not granted yet). Without it
   * the check reports the permission state and what needs no microphone.
   * @default true
   */
  microphone?: boolean;
  /**
   * Where your app serves the worklet files (as you pass them as `workletUrl`). The check
   * tries these and the inline copy, and reports which works under the page's CSP.
   * @default none: only the inline copy is tried
   */
  workletUrls?: WorkletUrls;
  /**
   * How much microphone audio to analyse for silence and a stuck input, in ms of audio.
   * @default 1200
   */
  listenMs?: number;
  /**
   * Play a short probe (400 ms chirp at -12 dBFS) and look for it in the microphone: reports
   * the echo return loss and the echo mode to use. `true` plays it on the context's speakers;
   * pass `{ destination }` to play it elsewhere. Off by default: the user hears the chirp.
   * @default false
   */
  echo?:
    | boolean
    | {
        /** Where the probe plays (a node of the checked context). @default context.destination */
        destination?: AudioNode;
      };
  /**
   * How long `AudioContext.resume()` may take before the check reports that a gesture is needed.
   * @default 400
   */
  resumeTimeoutMs?: number;
  /**
   * Where to query the permission (inject a fake in tests).
   * @default navigator.permissions
   */
  permissions?: PermissionsLike;
}

/** What the capture obtained from the microphone. */
export interface CaptureCheck {
  /** The device's rate as the track reports it (undefined where the browser does not say). */
  trackSampleRate: number | undefined;
  /** The AudioContext's rate, resampled to the wire rate in the worklet. */
  contextSampleRate: number;
  /** The device's label. */
  label: string;
  /** The device's id (undefined for a stream you passed). */
  deviceId: string | undefined;
}

/** Everything `checkAudio()` found. */
export interface AudioCheckReport {
  /** True when no problem of severity `error` was found. */
  ok: boolean;
  /** The problems, most severe first, each with a stable code, a reason and a fix. */
  problems: AudioProblem[];
  /** The microphone permission after the check. */
  permission: MicrophonePermission;
  /** The devices (labels are empty without permission). */
  devices: {
    /** Microphones. */
    inputs: AudioDevice[];
    /** Outputs. */
    outputs: AudioDevice[];
  };
  /** The AudioContext. */
  context: {
    /** Its status after trying to resume it; `unavailable` without Web Audio. */
    status: AudioContextStatus | 'unavailable';
    /** Its sample rate. */
    sampleRate: number | undefined;
    /** True when audio waits for a click or key press. */
    needsUserGesture: boolean;
  };
  /** What the capture obtained; undefined when the microphone was not opened. */
  capture: CaptureCheck | undefined;
  /** The microphone's signal over `listenMs`; undefined when it was not heard. */
  input: InputSignalStats | undefined;
  /** Which way of loading the worklet works here. */
  worklet: WorkletCheck;
  /** How the output device can be chosen: through the AudioContext, a media element, or not at all. */
  outputSelection: 'audio-context' | 'media-element' | 'unsupported';
  /** The echo check; undefined unless `echo` was asked for and could run. */
  echo: EchoCheckResult | undefined;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

async function queryPermission(permissions: PermissionsLike | undefined): Promise<MicrophonePermission> {
  if (permissions === undefined) return 'unknown';
  try {
    // Firefox before 131 throws a TypeError for the name 'microphone'.
    const status = await permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    return 'unknown';
  }
}

function outputSelection(): AudioCheckReport['outputSelection'] {
  const scope = globalThis as { AudioContext?: { prototype: object }; HTMLMediaElement?: { prototype: object } };
  if (scope.AudioContext !== undefined && 'setSinkId' in scope.AudioContext.prototype) return 'audio-context';
  if (scope.HTMLMediaElement !== undefined && 'setSinkId' in scope.HTMLMediaElement.prototype) return 'media-element';
  return 'unsupported';
}

function openFailure(error: unknown, deviceId: string | undefined): AudioProblem {
  const name = (error as { name?: unknown })?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return audioProblem('MICROPHONE_PERMISSION_DENIED', `The microphone was refused (${String(name)}: ${message}).`, PERMISSION_FIX);
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return audioProblem(
      'NO_MICROPHONE',
      deviceId === undefined ? `No microphone was found (${String(name)}).` : `The microphone ${JSON.stringify(deviceId)} was not found (${String(name)}).`,
      'Connect a microphone (and enable it in the system sound settings), or choose one from listAudioInputDevices().',
    );
  }
  return audioProblem(
    'MICROPHONE_UNREADABLE',
    `The microphone could not be opened (${String(name ?? 'Error')}: ${message}).`,
    'Close other applications or tabs that use the microphone, or unplug and reconnect it; then try again.',
  );
}

function contextProblems(status: AudioContextStatus): AudioProblem[] {
  if (status === 'needsUserGesture' || status === 'suspended') {
    return [
      audioProblem(
        'AUDIO_CONTEXT_NEEDS_GESTURE',
        `The AudioContext stays ${status === 'suspended' ? 'suspended' : 'suspended until the user interacts with the page'} (the browser's autoplay policy).`,
        'Start audio from a click or key handler: call checkAudio(), capture.start() and player.start() (or resume()) inside it.',
      ),
    ];
  }
  if (status === 'interrupted') {
    return [
      audioProblem(
        'AUDIO_CONTEXT_INTERRUPTED',
        'The system interrupted audio (a phone call, another app holding the device, or a tab in the background).',
        'End the other call or app, bring the tab to the front; audio resumes by itself.',
      ),
    ];
  }
  return [];
}

/**
 * Checks everything a voice call needs from the browser's audio and says, for each problem, why
 * and how to fix it. Call it from a click handler (it may prompt for the microphone, and a
 * gesture lets audio start). It never throws: what fails becomes a problem in the report.
 *
 * @example
 * ```ts
 * import { checkAudio } from 'voxwire/audio';
 *
 * checkButton.onclick = async () => {
 *   const report = await checkAudio({ echo: true });
 *   for (const problem of report.problems) show(`${problem.code}: ${problem.reason} ${problem.fix}`);
 * };
 * ```
 */
export async function checkAudio(options: CheckAudioOptions = {}): Promise<AudioCheckReport> {
  const problems: AudioProblem[] = [];
  const navigatorLike = (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike; permissions?: PermissionsLike } }).navigator;
  const mediaDevices = options.mediaDevices ?? navigatorLike?.mediaDevices;
  const permissions = options.permissions ?? navigatorLike?.permissions;
  const opensMicrophone = options.microphone ?? true;
  const report: AudioCheckReport = {
    ok: true,
    problems,
    permission: await queryPermission(permissions),
    devices: { inputs: [], outputs: [] },
    context: { status: 'unavailable', sampleRate: undefined, needsUserGesture: false },
    capture: undefined,
    input: undefined,
    worklet: { inline: 'not-tried', url: 'not-tried', use: 'none', errors: {} },
    outputSelection: outputSelection(),
    echo: undefined,
  };

  if (mediaDevices === undefined && options.stream === undefined) {
    problems.push(
      audioProblem(
        'MEDIA_DEVICES_UNAVAILABLE',
        'navigator.mediaDevices is missing: microphones are only available to secure pages in a browser.',
        'Serve the page over https:// (or http://localhost during development).',
      ),
    );
  }

  // The microphone first: its permission makes device labels visible.
  let stream = options.stream;
  let ownsStream = false;
  if (stream === undefined && mediaDevices !== undefined) {
    if (opensMicrophone) {
      try {
        stream = await openMicrophone(
          mediaDevices,
          {
            echoCancellation: options.echoCancellation ?? true,
            noiseSuppression: options.noiseSuppression ?? true,
            autoGainControl: options.autoGainControl ?? true,
          },
          options.deviceId,
        );
        ownsStream = true;
      } catch (error) {
        // openMicrophone wraps the browser's DOMException; its name says what happened.
        problems.push(openFailure((error as { cause?: unknown }).cause ?? error, options.deviceId));
      }
      report.permission = await queryPermission(permissions);
    } else if (report.permission === 'denied') {
      problems.push(audioProblem('MICROPHONE_PERMISSION_DENIED', 'The microphone permission for this site is denied.', PERMISSION_FIX));
    } else if (report.permission === 'prompt') {
      problems.push(
        audioProblem('MICROPHONE_PERMISSION_PROMPT', 'The browser will ask the user for the microphone when the call starts.', 'Tell the user to choose Allow; start the call from a click.'),
      );
    }
  }

  if (mediaDevices !== undefined) {
    try {
      [report.devices.inputs, report.devices.outputs] = await Promise.all([listAudioInputDevices(mediaDevices), listAudioOutputDevices(mediaDevices)]);
    } catch {
      // Listing is best effort: the problems below still say what matters.
    }
    if (report.devices.inputs.length === 0 && options.stream === undefined && !problems.some((problem) => problem.code === 'NO_MICROPHONE')) {
      problems.push(audioProblem('NO_MICROPHONE', 'The browser lists no microphone.', 'Connect a microphone and enable it in the system sound settings.'));
    }
    if (report.devices.outputs.length === 0) {
      problems.push(
        audioProblem(
          'NO_OUTPUT_DEVICE',
          'The browser lists no audio output (Firefox and Safari do not list them; otherwise none is connected).',
          'Nothing to do in Firefox or Safari (audio plays on the system default output); elsewhere connect speakers or a headset.',
        ),
      );
    }
  }

  if (report.outputSelection === 'unsupported') {
    problems.push(
      audioProblem(
        'OUTPUT_SELECTION_UNSUPPORTED',
        'This browser cannot choose an audio output device (no setSinkId on AudioContext or media elements).',
        'Hide the speaker picker in this browser; audio plays on the system default output (choose it in the system settings).',
      ),
    );
  }

  let lifecycle: AudioContextLifecycle | undefined;
  let capture: MicrophoneCapture | undefined;
  try {
    try {
      lifecycle = new AudioContextLifecycle({
        context: options.context,
        createContext: undefined,
        resumeTimeoutMs: options.resumeTimeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS,
        autoResume: false,
        logger: silentLogger,
      });
    } catch (error) {
      problems.push(
        audioProblem('AUDIO_CONTEXT_UNAVAILABLE', `Web Audio is not available (${error instanceof Error ? error.message : String(error)}).`, 'Use a current Chrome, Edge, Firefox or Safari.'),
      );
    }
    if (lifecycle !== undefined) {
      const context = lifecycle.context;
      const running = await lifecycle.ensureRunning();
      const status = running ? 'running' : lifecycle.status;
      report.context = { status, sampleRate: context.sampleRate, needsUserGesture: status === 'needsUserGesture' };
      problems.push(...contextProblems(status));

      const worklets = await checkWorklets(options.workletUrls ?? {}, context.sampleRate);
      report.worklet = worklets.result;
      problems.push(...worklets.problems);

      if (stream !== undefined) {
        const track = stream.getAudioTracks()[0];
        const settings = track?.getSettings();
        report.capture = {
          trackSampleRate: settings?.sampleRate,
          contextSampleRate: context.sampleRate,
          label: track?.label ?? '',
          deviceId: ownsStream ? settings?.deviceId : undefined,
        };
        if (settings?.sampleRate !== undefined && settings.sampleRate < LOW_CAPTURE_RATE_HZ) {
          problems.push(
            audioProblem(
              'LOW_CAPTURE_RATE',
              `The microphone delivers ${settings.sampleRate} Hz audio (a Bluetooth headset in hands-free mode does): speech loses the sounds above ${settings.sampleRate / 2} Hz.`,
              'Use the headset as headphones only with another microphone, or a wired or built-in microphone.',
            ),
          );
        }
        if (running && report.worklet.use !== 'none') {
          capture = new MicrophoneCapture({
            context,
            stream,
            silenceTimeoutMs: 0,
            workletUrl: report.worklet.use === 'url' ? options.workletUrls?.capture : undefined,
            autoResume: false,
            logger: silentLogger,
            ...(options.mediaDevices === undefined ? {} : { mediaDevices: options.mediaDevices }),
          });
          await capture.start();
          const listenMs = options.listenMs ?? DEFAULT_CHECK_LISTEN_MS;
          const wanted = Math.round((capture.sampleRate * listenMs) / 1000);
          const settle = Math.round((capture.sampleRate * CHECK_SETTLE_MS) / 1000);
          // A bound, not a measurement: audio renders in real time, so the samples arrive in
          // about listenMs; the margin only keeps a stalled context from hanging the check.
          const recording = (await recordCapture(capture, settle + wanted, listenMs * 4 + 3000)).subarray(settle);
          if (recording.length > 0) {
            report.input = analyzeInputSignal(recording);
            if (report.input.silent) {
              problems.push(
                audioProblem(
                  'MICROPHONE_SILENT',
                  `The microphone delivered digital silence for ${Math.round((recording.length / capture.sampleRate) * 1000)} ms (peak ${report.input.peak.toExponential(1)}).`,
                  DEAD_MICROPHONE_FIX,
                ),
              );
            } else if (report.input.constant) {
              problems.push(
                audioProblem(
                  'MICROPHONE_CONSTANT',
                  `The microphone delivered one constant value (${report.input.dcOffset.toFixed(4)}, varying by ${report.input.acRms.toExponential(1)} RMS): the driver or device is stuck.`,
                  `Unplug and reconnect the microphone or restart the browser. ${DEAD_MICROPHONE_FIX}`,
                ),
              );
            }
          }
          if (options.echo !== undefined && options.echo !== false) {
            const destination = (typeof options.echo === 'object' ? options.echo.destination : undefined) ?? context.destination;
            const echo = await runEchoCheck(capture, context, destination, listenMs * 4 + 6000);
            if (typeof echo === 'string') {
              problems.push(audioProblem('ECHO_CHECK_FAILED', `The echo check could not run: ${echo}.`, 'Run the check from a click so audio may play.'));
            } else {
              report.echo = echo;
              if (echo.recommendation !== 'none') {
                problems.push(
                  audioProblem(
                    'ECHO_DETECTED',
                    `The microphone hears the speakers: the probe came back ${echo.erlDb.toFixed(1)} dB weaker after ${Math.round(echo.delayMs)} ms (correlation ${echo.correlation.toFixed(2)}).`,
                    echo.recommendation === 'loopback'
                      ? "Use headphones, or create the AudioPlayer with echoMitigation: 'loopback' so the browser's echo canceller hears the assistant."
                      : "Use headphones, or create the AudioPlayer with echoMitigation: 'loopback' and the MicrophoneCapture with duckDuring: player (the echo is strong).",
                  ),
                );
              }
            }
          }
        }
      }
    }
    const echoWanted = options.echo !== undefined && options.echo !== false;
    if (echoWanted && report.echo === undefined && !problems.some((problem) => problem.code === 'ECHO_CHECK_FAILED')) {
      problems.push(
        audioProblem(
          'ECHO_CHECK_FAILED',
          `The echo check could not run: ${capture === undefined ? 'the microphone was not captured (see the other problems)' : 'no result'}.`,
          'Fix the problems above, then run the check again from a click.',
        ),
      );
    }
  } catch (error) {
    problems.push(
      audioProblem('MICROPHONE_UNREADABLE', `The microphone could not be captured (${error instanceof Error ? error.message : String(error)}).`, DEAD_MICROPHONE_FIX),
    );
  } finally {
    await capture?.stop();
    if (ownsStream) for (const track of stream?.getTracks() ?? []) track.stop();
    await lifecycle?.dispose();
  }
  problems.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  report.ok = !problems.some((problem) => problem.severity === 'error');
  return report;
}
