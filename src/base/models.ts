/**
 * The model check the relay and the server helpers apply, with its `RealtimeError`. The table and
 * the rule itself live in `model-lifecycle.ts` (re-exported here), which the client loads on
 * demand without pulling this module's error import into its lazy chunk.
 */
import { RealtimeError } from './errors';
import { judgeModel, type ModelVerdict, type ModelWarning } from './model-lifecycle';

export { KNOWN_MODELS, MODEL_SHUTDOWN_WARNING_DAYS, findModel, judgeModel, modelLifecycle } from './model-lifecycle';
export type { ModelAudioFormat, ModelInfo, ModelLifecycle, ModelSessionKind, ModelVerdict, ModelWarning } from './model-lifecycle';

/** What a session does about a model on a given day: nothing, warn once, or refuse it. */
export type ModelCheck = ModelVerdict<{
  /** The `VOXWIRE_MODEL_SHUT_DOWN` error, naming the replacement. */
  readonly error: RealtimeError;
}>;

/**
 * The one rule the client and the relay apply to a session's model (`?model=`, `session.model`
 * or the transcription model): a model past its shutdown is refused with
 * `VOXWIRE_MODEL_SHUT_DOWN` naming the replacement, one within the warning window is warned
 * about, anything else (an unknown name included) passes.
 */
export function checkModel(model: string, now: number, source: ModelWarning['source'], path = 'model'): ModelCheck {
  const verdict = judgeModel(model, now, source);
  return verdict.action === 'refuse' ? { action: 'refuse', error: new RealtimeError('VOXWIRE_MODEL_SHUT_DOWN', verdict.message, { path }) } : verdict;
}
