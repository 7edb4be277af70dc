/**
 * The diagnostics test page: runs `checkAudio()` from `voxwire/audio` (bundled from source) in
 * scenarios the Chromium tests call with `page.evaluate`, and renders the report with the
 * browser example's view (what the docs' screenshots show). Reports come back as plain JSON.
 */
import { AudioPlayer, MicrophoneCapture, checkAudio, type AudioCheckReport, type AudioHealthInfo, type CheckAudioOptions } from '../../../src/audio/index';
import { AUDIO_REPORT_CSS, renderAudioReport } from '../../../examples/browser/diagnostics-view';

/** Options of {@link DiagnosePageApi.check}. */
export interface DiagnoseScenario {
  /** Pass the served worklet files as `workletUrls`. */
  workletUrls?: boolean;
  /** Open the microphone with the browser's processing off (so a DC signal reaches the check). */
  rawMicrophone?: boolean;
  /**
   * Check an echo loop instead of the microphone: the probe goes through a gain of this value
   * into a MediaStreamAudioDestinationNode whose stream is the checked "microphone", beside a
   * little background noise.
   */
  echoLoopGain?: number;
  /** Run the echo check on the real (fake) devices. */
  echo?: boolean;
}

/** What the health scenario saw: each object's health events as `+CODE` / `-CODE`, and the reasons. */
export interface HealthResult {
  capture: string[];
  lostDevice: string[];
  player: string[];
  reasons: string[];
  activeWhileStuck: string[];
}

/** The page's API, as `window.vx`. */
export interface DiagnosePageApi {
  check(scenario: DiagnoseScenario): Promise<AudioCheckReport>;
  health(): Promise<HealthResult>;
}

const style = document.createElement('style');
style.textContent = `${AUDIO_REPORT_CSS}\nbody { margin: 0; background: white; } #report { padding: 16px; width: 640px; }`;
document.head.append(style);
const container = document.createElement('section');
container.id = 'report';
container.className = 'audio-report';
document.body.append(container);

function noiseBuffer(context: AudioContext, amplitude: number): AudioBuffer {
  const buffer = context.createBuffer(1, context.sampleRate, context.sampleRate);
  const data = buffer.getChannelData(0);
  let state = 1;
  for (let i = 0; i < data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    data[i] = ((state / 2147483648) * 2 - 1) * amplitude;
  }
  return buffer;
}

async function check(scenario: DiagnoseScenario): Promise<AudioCheckReport> {
  const options: CheckAudioOptions = {};
  if (scenario.workletUrls === true) {
    options.workletUrls = { capture: '/worklets/capture-processor.js', playback: '/worklets/playback-processor.js' };
  }
  if (scenario.rawMicrophone === true) Object.assign(options, { echoCancellation: false, noiseSuppression: false, autoGainControl: false });
  if (scenario.echo === true) options.echo = true;
  let loop: { context: AudioContext; stop: () => Promise<void> } | undefined;
  if (scenario.echoLoopGain !== undefined) {
    const context = new AudioContext();
    const loopback = context.createMediaStreamDestination();
    const echoPath = context.createGain();
    echoPath.gain.value = scenario.echoLoopGain;
    echoPath.connect(loopback);
    // Room noise at about -55 dBFS RMS, so the "microphone" is alive but quiet.
    const room = context.createBufferSource();
    room.buffer = noiseBuffer(context, 0.003);
    room.loop = true;
    room.connect(loopback);
    room.start();
    Object.assign(options, { context, stream: loopback.stream, echo: { destination: echoPath } });
    loop = {
      context,
      stop: async () => {
        room.stop();
        await context.close();
      },
    };
  }
  try {
    const report = await checkAudio(options);
    renderAudioReport(container, report);
    return report;
  } finally {
    await loop?.stop();
  }
}

/** Polls until `done()` (bounded: a stalled page fails with what it was waiting for). */
async function until(done: () => boolean, what: string, log: string[]): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > 30_000) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function recorder(log: string[], reasons: string[]): (event: AudioHealthInfo) => void {
  return (event) => {
    log.push(`${event.active ? '+' : '-'}${event.code}`);
    reasons.push(event.reason);
  };
}

/**
 * Health events from real objects: a capture whose "microphone" is a ConstantSourceNode (stuck
 * at 0.25, then at 0: silent, then a tone), its context suspended and resumed; a capture on the
 * fake device whose track ends (unplugged); a player whose context is suspended and resumed.
 */
async function health(): Promise<HealthResult> {
  const result: HealthResult = { capture: [], lostDevice: [], player: [], reasons: [], activeWhileStuck: [] };
  const context = new AudioContext();
  const stuck = context.createConstantSource();
  stuck.offset.value = 0.25;
  const microphone = context.createMediaStreamDestination();
  stuck.connect(microphone);
  stuck.start();
  const capture = new MicrophoneCapture({ context, stream: microphone.stream, silenceTimeoutMs: 400, autoResume: false });
  capture.on('health', recorder(result.capture, result.reasons));
  await capture.start();
  await until(() => result.capture.includes('+MICROPHONE_CONSTANT'), 'a stuck microphone', result.capture);
  result.activeWhileStuck = capture.health.map((problem) => problem.code);
  stuck.offset.value = 0;
  await until(() => result.capture.includes('+MICROPHONE_SILENT'), 'a silent microphone', result.capture);
  const voice = context.createOscillator();
  voice.frequency.value = 220;
  voice.connect(microphone);
  voice.start();
  await until(() => result.capture.includes('-MICROPHONE_SILENT'), 'the sound to come back', result.capture);
  await context.suspend();
  await until(() => result.capture.includes('+AUDIO_CONTEXT_INTERRUPTED'), 'the suspended context', result.capture);
  await capture.resume();
  await until(() => result.capture.includes('-AUDIO_CONTEXT_INTERRUPTED'), 'the context to run again', result.capture);
  await capture.stop();
  voice.stop();
  stuck.stop();
  await context.close();

  const unplugged = new MicrophoneCapture({ silenceTimeoutMs: 0 });
  unplugged.on('health', recorder(result.lostDevice, result.reasons));
  await unplugged.start();
  // What the browser fires when a USB microphone is pulled out.
  unplugged.stream!.getAudioTracks()[0]!.dispatchEvent(new Event('ended'));
  await until(() => result.lostDevice.includes('-MICROPHONE_LOST'), 'the replacement microphone', result.lostDevice);
  await unplugged.stop();

  const playerContext = new AudioContext();
  const player = new AudioPlayer({ context: playerContext, autoResume: false });
  player.on('health', recorder(result.player, result.reasons));
  await player.start();
  await playerContext.suspend();
  await until(() => result.player.includes('+AUDIO_CONTEXT_INTERRUPTED'), 'the suspended player context', result.player);
  await player.resume();
  await until(() => result.player.includes('-AUDIO_CONTEXT_INTERRUPTED'), 'the player context to run again', result.player);
  await player.close();
  await playerContext.close();
  return result;
}

const api: DiagnosePageApi = { check, health };
(window as unknown as { vx: DiagnosePageApi }).vx = api;
document.title = 'ready';
