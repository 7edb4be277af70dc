/**
 * Loads voxwire's AudioWorklet processors into a context, once per context.
 *
 * With a `workletUrl` the processor is loaded from that URL: the way for apps with a strict
 * Content-Security-Policy (serve `voxwire/audio/worklets/*.js` from your own origin). Without
 * one, the bundled copy is loaded from a Blob URL (works everywhere `blob:` scripts are
 * allowed, no asset setup needed). The inlined copies are imported lazily, so an app that
 * passes URLs does not download them when its bundler splits chunks.
 */

import { RealtimeError } from '../base/errors';
import { CAPTURE_PROCESSOR_NAME, PLAYBACK_PROCESSOR_NAME } from './worklets/messages';

/** Which processor. @internal */
export type WorkletKind = 'capture' | 'playback';

const ASSET_NAMES: Record<WorkletKind, string> = {
  capture: 'capture-processor.js',
  playback: 'playback-processor.js',
};
const PROCESSOR_NAMES: Record<WorkletKind, string> = {
  capture: CAPTURE_PROCESSOR_NAME,
  playback: PLAYBACK_PROCESSOR_NAME,
};

/** Per context: each processor's load, and the inline module (which registers both). */
const loaded = new WeakMap<BaseAudioContext, Map<WorkletKind | 'inline', Promise<void>>>();

/**
 * Ensures the processor is registered in `context`.
 *
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when AudioWorklet is missing or the
 *   module cannot be loaded (the message says how to fix it).
 * @internal
 */
export function loadWorklet(context: BaseAudioContext, kind: WorkletKind, url: string | URL | undefined): Promise<void> {
  let perContext = loaded.get(context);
  if (perContext === undefined) {
    perContext = new Map();
    loaded.set(context, perContext);
  }
  let pending = perContext.get(kind);
  if (pending === undefined) {
    pending = url === undefined ? loadInline(context, perContext, kind) : addFromUrl(context, kind, url);
    perContext.set(kind, pending);
    // A failed load may succeed later (another URL, a changed policy): do not cache failures.
    const settled = pending;
    settled.catch(() => {
      if (perContext.get(kind) === settled) perContext.delete(kind);
    });
  }
  return pending;
}

function loadInline(context: BaseAudioContext, perContext: Map<WorkletKind | 'inline', Promise<void>>, kind: WorkletKind): Promise<void> {
  let pending = perContext.get('inline');
  if (pending === undefined) {
    pending = addInline(context, kind);
    perContext.set('inline', pending);
    const settled = pending;
    settled.catch(() => {
      if (perContext.get('inline') === settled) perContext.delete('inline');
    });
  }
  return pending;
}

function workletOf(context: BaseAudioContext): AudioWorklet {
  const worklet = (context as { audioWorklet?: AudioWorklet }).audioWorklet;
  if (worklet === undefined) {
    throw new RealtimeError(
      'VOXWIRE_AUDIO_UNSUPPORTED',
      'AudioWorklet is not available: the page must be a secure context (https:// or http://localhost) in a browser that supports it.',
    );
  }
  return worklet;
}

async function addFromUrl(context: BaseAudioContext, kind: WorkletKind, url: string | URL): Promise<void> {
  const worklet = workletOf(context);
  try {
    await worklet.addModule(String(url));
  } catch (error) {
    throw new RealtimeError(
      'VOXWIRE_AUDIO_UNSUPPORTED',
      `Could not load the ${PROCESSOR_NAMES[kind]} AudioWorklet from ${String(url)}: check that the URL serves voxwire/audio/worklets/${ASSET_NAMES[kind]} as JavaScript and that the page's Content-Security-Policy allows it (script-src).`,
      { cause: error },
    );
  }
}

async function addInline(context: BaseAudioContext, kind: WorkletKind): Promise<void> {
  const worklet = workletOf(context);
  const { WORKLET_PROCESSORS_SOURCE } = await import('./worklets/sources.generated');
  const blobUrl = URL.createObjectURL(new Blob([WORKLET_PROCESSORS_SOURCE], { type: 'text/javascript' }));
  try {
    await worklet.addModule(blobUrl);
  } catch (error) {
    throw new RealtimeError(
      'VOXWIRE_AUDIO_UNSUPPORTED',
      `Could not load the ${PROCESSOR_NAMES[kind]} AudioWorklet from an inline blob: URL (a Content-Security-Policy without blob: in script-src blocks it). Serve node_modules/voxwire/dist/audio/worklets/${ASSET_NAMES[kind]} from your origin and pass its URL as the workletUrl option.`,
      { cause: error },
    );
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}
