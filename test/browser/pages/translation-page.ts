/**
 * The translation test page: a real `TranslationClient` in Chromium over `WebRTCTransport` with
 * the translation protocol, its key from the app server's `createTranslationClientSecretHandler`,
 * driven from Node through `window.vx`. The fake microphone (the question clip) goes out as the
 * call's media track; translated speech comes back on the remote track.
 */
import type { ClientState } from '../../../src/client/client-events';
import { translationProtocol } from '../../../src/translation/translation-protocol';
import { TranslationClient } from '../../../src/translation/translation-client';
import { WebRTCTransport } from '../../../src/transport/webrtc';

/** How the page connects. */
export interface TranslationPageConfig {
  /** The app server's translation key endpoint; without it the offer goes to `callsUrl` with the user's token (createTranslationSdpHandler). */
  keyUrl?: string;
  /** The mock's `/v1/realtime/translations/calls`, or the app server's SDP endpoint. */
  callsUrl: string;
  /** The target language the page asks the key endpoint for. */
  language: string;
}

/** What the page recorded. */
export interface TranslationPageSnapshot {
  states: string[];
  state: ClientState;
  source: string;
  translated: string;
  language: string | undefined;
  errors: string[];
  eventTypes: string[];
}

let client: TranslationClient | undefined;
let transport: WebRTCTransport | undefined;
let snapshot: TranslationPageSnapshot;

async function start(config: TranslationPageConfig): Promise<void> {
  snapshot = { states: [], state: { status: 'idle' }, source: '', translated: '', language: undefined, errors: [], eventTypes: [] };
  const fetchKey = async (): Promise<string> => {
    const response = await fetch(config.keyUrl!, {
      method: 'POST',
      headers: { authorization: 'Bearer app-user-token', 'content-type': 'application/json' },
      body: JSON.stringify({ session: { audio: { output: { language: config.language } } } }),
    });
    if (!response.ok) throw new Error(`key endpoint answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { value: string }).value;
  };
  transport =
    config.keyUrl === undefined
      ? new WebRTCTransport({ sdpUrl: config.callsUrl, headers: { authorization: 'Bearer app-user-token' }, protocol: translationProtocol })
      : new WebRTCTransport({ apiKey: fetchKey, sdpUrl: config.callsUrl, protocol: translationProtocol });
  client = new TranslationClient({ transport, reconnect: false });
  client.on('state', (state) => {
    snapshot.states.push(state.status);
    snapshot.state = state;
  });
  client.on('session', (session) => (snapshot.language = session.audio?.output?.language ?? undefined));
  client.on('sourceTranscript', (event) => (snapshot.source = event.text));
  client.on('translatedTranscript', (event) => (snapshot.translated = event.text));
  client.on('error', (error) => snapshot.errors.push(`${error.code}: ${error.message}`));
  client.on('*', (event) => snapshot.eventTypes.push(event.type));
  try {
    await client.connect();
  } catch (error) {
    // The typed code crosses into Node in the message.
    throw new Error(`${(error as { code?: string }).code}: ${(error as Error).message}`);
  }
}

function read(): TranslationPageSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as TranslationPageSnapshot;
}

/** The loudest sample of the translated audio over `ms`, from an AnalyserNode on the remote stream. */
async function listen(ms: number): Promise<{ peak: number }> {
  const stream = transport?.remoteStream;
  if (!stream) throw new Error('no remote stream yet');
  const context = new AudioContext();
  await context.resume();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  const until = performance.now() + ms;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    analyser.getFloatTimeDomainData(samples);
    for (const value of samples) peak = Math.max(peak, Math.abs(value));
  }
  await context.close();
  return { peak };
}

const vx = {
  start,
  read,
  listen,
  setLanguage: async (language: string) => (await client!.setLanguage(language))?.audio?.output?.language,
  finish: () => client!.finish({ timeoutMs: 15_000 }),
  stop: () => client?.disconnect(),
};

/** The page's API, as `window.vx`. */
export type TranslationPageApi = typeof vx;

(window as unknown as { vx: TranslationPageApi }).vx = vx;
document.title = 'ready';
