/**
 * The diagnostics test page: runs `checkAudio()` from `voxwire/audio` (bundled from source) in
 * scenarios the Chromium tests call with `page.evaluate`, and renders the report with the
 * browser example's view (what the docs' screenshots show). Reports come back as plain JSON.
 */
import { checkAudio, type AudioCheckReport, type CheckAudioOptions } from '../../../src/audio/index';
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

/** The page's API, as `window.vx`. */
export interface DiagnosePageApi {
  check(scenario: DiagnoseScenario): Promise<AudioCheckReport>;
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

const api: DiagnosePageApi = { check };
(window as unknown as { vx: DiagnosePageApi }).vx = api;
document.title = 'ready';
