/**
 * The globals of an `AudioWorkletGlobalScope`, typed. TypeScript's DOM library describes the
 * main thread only, so the processors reach these through this one typed view of
 * `globalThis` instead of scattering `declare` statements.
 */

/** The `MessagePort` half a processor talks through (the slice the processors use). */
export interface ProcessorPort {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** The base class every processor extends. */
export interface AudioWorkletProcessorBase {
  readonly port: ProcessorPort;
}

/** What `new AudioWorkletNode(context, name, options)` hands the processor's constructor. */
export interface ProcessorConstructionOptions {
  numberOfInputs?: number;
  numberOfOutputs?: number;
  processorOptions?: unknown;
}

/** The scope's globals used by voxwire's processors. */
export interface AudioWorkletScope {
  /** The rendering sample rate of the context, in Hz. */
  readonly sampleRate: number;
  /** Context time, in seconds, of the first frame of the quantum being rendered. */
  readonly currentTime: number;
  /** Frame index of the first frame of the quantum being rendered. */
  readonly currentFrame: number;
  readonly AudioWorkletProcessor: new (options?: ProcessorConstructionOptions) => AudioWorkletProcessorBase;
  registerProcessor(name: string, processor: new (options: ProcessorConstructionOptions) => AudioWorkletProcessorBase): void;
}

/** `globalThis`, seen as an AudioWorklet scope. Only meaningful inside a worklet. */
export const workletScope = globalThis as unknown as AudioWorkletScope;

/**
 * Registers a processor, tolerating a second registration of the same name: the inline
 * fallback registers both of voxwire's processors in one module, and a context may already
 * hold one of them, loaded from its `workletUrl`.
 */
export function registerProcessorOnce(
  name: string,
  processor: new (options: ProcessorConstructionOptions) => AudioWorkletProcessorBase,
): void {
  try {
    workletScope.registerProcessor(name, processor);
  } catch (error) {
    // NotSupportedError: the name is taken (by this very processor, loaded earlier).
    if ((error as { name?: unknown })?.name !== 'NotSupportedError') throw error;
  }
}
