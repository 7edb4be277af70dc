/**
 * Does voxwire's AudioWorklet load on this page? Each way is tried in a fresh
 * OfflineAudioContext (no device, no gesture needed): the served files (`workletUrls`) and the
 * inline Blob copy, which a Content-Security-Policy without `blob:` in `script-src` blocks.
 */

import { loadWorklet, type WorkletKind } from '../worklet-loader';
import { audioProblem, type AudioProblem } from './problems';

/** How a worklet load went: loaded, failed, or not tried (no URL given). */
export type WorkletLoadResult = 'ok' | 'failed' | 'not-tried';

/** The worklet part of the report. */
export interface WorkletCheck {
  /** The bundled copy from a Blob URL (what capture and playback use without `workletUrl`). */
  inline: WorkletLoadResult;
  /** The files at `workletUrls` (both processors when both are given). */
  url: WorkletLoadResult;
  /** The way that works, preferring the served files; `none` when neither loads. */
  use: 'url' | 'inline' | 'none';
  /** Why a load failed, per way (the browser's message). */
  errors: {
    /** The inline copy's failure. */
    inline?: string;
    /** The served files' failure. */
    url?: string;
  };
}

/** Where the processors are served (`voxwire/audio/worklets/*.js`), as given to capture and player. */
export interface WorkletUrls {
  /** The URL of `capture-processor.js`. */
  capture?: string | URL;
  /** The URL of `playback-processor.js`. */
  playback?: string | URL;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function tryLoad(kinds: ReadonlyArray<[WorkletKind, string | URL | undefined]>, sampleRate: number): Promise<string | undefined> {
  const OfflineContext = (globalThis as { OfflineAudioContext?: typeof OfflineAudioContext }).OfflineAudioContext;
  if (OfflineContext === undefined) return 'OfflineAudioContext is not available';
  const context = new OfflineContext(1, 128, sampleRate);
  try {
    for (const [kind, url] of kinds) await loadWorklet(context, kind, url);
    return undefined;
  } catch (error) {
    return describe((error as { cause?: unknown }).cause ?? error);
  }
}

/** Tries both ways of loading the worklets and names the one to use. @internal */
export async function checkWorklets(urls: WorkletUrls, sampleRate: number): Promise<{ result: WorkletCheck; problems: AudioProblem[] }> {
  const inlineError = await tryLoad([['capture', undefined]], sampleRate);
  const given = ([['capture', urls.capture], ['playback', urls.playback]] as Array<[WorkletKind, string | URL | undefined]>).filter(([, url]) => url !== undefined);
  const urlError = given.length === 0 ? undefined : await tryLoad(given, sampleRate);
  const inline: WorkletLoadResult = inlineError === undefined ? 'ok' : 'failed';
  const url: WorkletLoadResult = given.length === 0 ? 'not-tried' : urlError === undefined ? 'ok' : 'failed';
  const use = url === 'ok' ? 'url' : inline === 'ok' ? 'inline' : 'none';
  const errors: WorkletCheck['errors'] = {};
  if (inlineError !== undefined) errors.inline = inlineError;
  if (urlError !== undefined) errors.url = urlError;
  const problems: AudioProblem[] = [];
  const serveFix =
    "Serve node_modules/voxwire/dist/audio/worklets/capture-processor.js and playback-processor.js from your own origin and pass their URLs as the workletUrl option of MicrophoneCapture and AudioPlayer (and as checkAudio's workletUrls); or add blob: to the page's Content-Security-Policy script-src.";
  if (use === 'none') {
    problems.push(
      audioProblem(
        'WORKLET_BLOCKED',
        `No way to load voxwire's AudioWorklet works on this page: the inline blob: copy failed (${errors.inline ?? 'unknown'})${url === 'failed' ? ` and so did the files at workletUrls (${errors.url ?? 'unknown'})` : ' and no workletUrls were given'}.`,
        url === 'failed' ? `Check that workletUrls serve the worklet files as JavaScript from an origin the Content-Security-Policy script-src allows. ${serveFix}` : serveFix,
      ),
    );
  } else if (url === 'failed') {
    problems.push(
      audioProblem(
        'WORKLET_URL_FAILED',
        `The worklet files at workletUrls did not load (${errors.url ?? 'unknown'}); the inline copy works.`,
        'Check the URLs (they must serve voxwire/audio/worklets/*.js as JavaScript, same origin or allowed by script-src), or leave workletUrl out to use the inline copy.',
      ),
    );
  } else if (inline === 'failed') {
    problems.push(
      audioProblem(
        'WORKLET_INLINE_BLOCKED',
        `The page's Content-Security-Policy blocks the inline blob: worklet (${errors.inline ?? 'unknown'}); the served files work.`,
        'Keep passing workletUrl to MicrophoneCapture and AudioPlayer: without it they fall back to the blocked inline copy.',
      ),
    );
  }
  return { result: { inline, url, use, errors }, problems };
}
