/**
 * The Web Audio graph behind `AudioPlayer`: its context (with the lifecycle that resumes it),
 * the playback worklet node, the volume gain and the output route (device, echo loopback or a
 * custom destination).
 */

import { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import { AudioContextLifecycle } from './context-lifecycle';
import { DEFAULT_MAX_PREBUFFER_MS, DEFAULT_RESUME_TIMEOUT_MS } from './defaults';
import { EchoLoopbackRoute } from './echo-loopback';
import { MediaElementOutput, type OutputRoute } from './media-element-output';
import type { AudioPlayerOptions } from './playback-types';
import { loadWorklet } from './worklet-loader';
import { PLAYBACK_PROCESSOR_NAME, type PlaybackProcessorMessage, type PlaybackProcessorOptions } from './worklets/messages';

/** The nodes of one started player. */
export interface PlaybackGraph {
  lifecycle: AudioContextLifecycle;
  node: AudioWorkletNode;
  gain: GainNode;
  route: OutputRoute | undefined;
}

/** What {@link openPlaybackGraph} needs besides the player's options. */
export interface PlaybackGraphSettings {
  prebufferMs: number;
  fadeMs: number;
  levelHz: number;
  volume: number;
  outputDeviceId: string | undefined;
  logger: Logger;
  /** Receives the worklet's reports. */
  onMessage: (message: PlaybackProcessorMessage) => void;
}

/**
 * Creates the context (unless given), loads the worklet and connects node → gain → output.
 * On failure everything it created is released before it throws.
 */
export async function openPlaybackGraph(options: AudioPlayerOptions, settings: PlaybackGraphSettings): Promise<PlaybackGraph> {
  const lifecycle = new AudioContextLifecycle({
    context: options.context,
    createContext: undefined,
    resumeTimeoutMs: options.resumeTimeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS,
    autoResume: options.autoResume ?? true,
    logger: settings.logger,
  });
  try {
    const context = lifecycle.context;
    await loadWorklet(context, 'playback', options.workletUrl);
    const processorOptions: PlaybackProcessorOptions = {
      prebufferMs: settings.prebufferMs,
      maxPrebufferMs: options.maxPrebufferMs ?? DEFAULT_MAX_PREBUFFER_MS,
      fadeMs: settings.fadeMs,
      statusIntervalFrames: Math.max(128, Math.round(context.sampleRate / settings.levelHz)),
    };
    const node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR_NAME, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions,
    });
    const gain = context.createGain();
    gain.gain.value = settings.volume;
    node.connect(gain);
    const graph: PlaybackGraph = { lifecycle, node, gain, route: undefined };
    node.port.onmessage = (event: MessageEvent<PlaybackProcessorMessage>) => settings.onMessage(event.data);
    if (options.echoMitigation === 'loopback') {
      graph.route = await EchoLoopbackRoute.connect(context, gain, options.createPeerConnection, settings.logger);
    } else {
      gain.connect(options.destination ?? context.destination);
    }
    if (settings.outputDeviceId !== undefined) await applyOutputDevice(graph, settings.outputDeviceId, settings.logger);
    return graph;
  } catch (error) {
    await lifecycle.dispose();
    throw error;
  }
}

/** Disconnects the graph and closes the context (unless it was the caller's). */
export async function closePlaybackGraph(graph: PlaybackGraph): Promise<void> {
  graph.node.port.onmessage = null;
  graph.node.disconnect();
  graph.gain.disconnect();
  graph.route?.close();
  await graph.lifecycle.dispose();
}

/** Sends the output to a device (`''` for the default) by the means the browser has. */
export async function applyOutputDevice(graph: PlaybackGraph, deviceId: string, logger: Logger): Promise<void> {
  if (graph.route !== undefined) {
    await graph.route.setSinkId(deviceId);
    return;
  }
  const context = graph.lifecycle.context as AudioContext & { setSinkId?: (id: string) => Promise<void> };
  if (typeof context.setSinkId === 'function') {
    try {
      await context.setSinkId(deviceId);
    } catch (error) {
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', `Could not switch the audio output to ${JSON.stringify(deviceId)}.`, { cause: error });
    }
    return;
  }
  if (deviceId === '') return;
  // No AudioContext.setSinkId: play through a media element, which can choose its device.
  const destination = graph.lifecycle.context.createMediaStreamDestination();
  graph.gain.disconnect();
  graph.gain.connect(destination);
  graph.route = new MediaElementOutput(destination.stream, logger);
  await graph.route.setSinkId(deviceId);
}
