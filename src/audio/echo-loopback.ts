/**
 * Echo mitigation for speakers: Chromium's acoustic echo canceller only takes audio played
 * from WebRTC remote tracks as its reference, never Web Audio output, so without help the
 * assistant's voice from the speakers reaches the microphone and can interrupt the assistant.
 * The known workaround routes playback through a loopback `RTCPeerConnection` pair inside the
 * page and plays the received track in a media element: the canceller then sees it.
 *
 * Trade-off: the audio goes through Opus and WebRTC's jitter buffer (tens of ms more latency,
 * a little CPU), and the played counts (taken where the audio leaves the worklet) run ahead of
 * what the user hears by that latency. Internal.
 */

import { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import { MediaElementOutput, type OutputRoute } from './media-element-output';

/** Creates an `RTCPeerConnection` (inject one in tests). */
export type CreatePeerConnection = (configuration?: RTCConfiguration) => RTCPeerConnection;

const NEGOTIATION_TIMEOUT_MS = 5000;

/** A connected loopback route. @internal */
export class EchoLoopbackRoute implements OutputRoute {
  /** The element that plays the looped-back track. */
  readonly element: HTMLAudioElement;
  /** The receiving connection (its stats show the audio arriving). */
  readonly receiver: RTCPeerConnection;
  readonly #sender: RTCPeerConnection;
  readonly #destination: MediaStreamAudioDestinationNode;
  readonly #source: AudioNode;
  readonly #output: MediaElementOutput;

  private constructor(parts: {
    sender: RTCPeerConnection;
    receiver: RTCPeerConnection;
    destination: MediaStreamAudioDestinationNode;
    source: AudioNode;
    output: MediaElementOutput;
  }) {
    this.#sender = parts.sender;
    this.receiver = parts.receiver;
    this.#destination = parts.destination;
    this.#source = parts.source;
    this.#output = parts.output;
    this.element = parts.output.element;
  }

  /**
   * Connects `source` to a loopback peer connection pair and plays the far end.
   *
   * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when WebRTC is missing or the
   *   loopback does not connect.
   */
  static async connect(
    context: AudioContext,
    source: AudioNode,
    createPeerConnection: CreatePeerConnection | undefined,
    logger: Logger,
  ): Promise<EchoLoopbackRoute> {
    const create = createPeerConnection ?? defaultCreatePeerConnection();
    const sender = create();
    const receiver = create();
    const destination = context.createMediaStreamDestination();
    source.connect(destination);
    try {
      sender.addEventListener('icecandidate', (event) => {
        if (event.candidate) receiver.addIceCandidate(event.candidate).catch((error: unknown) => logger.debug('loopback ICE candidate refused', { error }));
      });
      receiver.addEventListener('icecandidate', (event) => {
        if (event.candidate) sender.addIceCandidate(event.candidate).catch((error: unknown) => logger.debug('loopback ICE candidate refused', { error }));
      });
      const track = destination.stream.getAudioTracks()[0];
      if (track === undefined) throw new Error('the MediaStream destination has no audio track');
      sender.addTrack(track, destination.stream);
      const remoteTrack = new Promise<MediaStreamTrack>((resolve) => {
        receiver.addEventListener('track', (event) => resolve(event.track), { once: true });
      });
      const offer = await sender.createOffer();
      await sender.setLocalDescription(offer);
      await receiver.setRemoteDescription(offer);
      const answer = await receiver.createAnswer();
      await receiver.setLocalDescription(answer);
      await sender.setRemoteDescription(answer);
      const remote = await withTimeout(remoteTrack, NEGOTIATION_TIMEOUT_MS, 'the loopback track did not arrive');
      for (const rtpReceiver of receiver.getReceivers()) {
        // Ask for the smallest jitter buffer: the loopback has no network jitter to absorb.
        const tunable = rtpReceiver as RTCRtpReceiver & { jitterBufferTarget?: number | null };
        if ('jitterBufferTarget' in tunable) tunable.jitterBufferTarget = 0;
      }
      const output = new MediaElementOutput(new MediaStream([remote]), logger);
      return new EchoLoopbackRoute({ sender, receiver, destination, source, output });
    } catch (error) {
      sender.close();
      receiver.close();
      source.disconnect(destination);
      throw error instanceof RealtimeError
        ? error
        : new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', `The echo-mitigation loopback could not connect: ${String(error)}`, { cause: error });
    }
  }

  setSinkId(deviceId: string): Promise<void> {
    return this.#output.setSinkId(deviceId);
  }

  resume(): Promise<void> {
    return this.#output.resume();
  }

  close(): void {
    this.#output.close();
    this.#sender.close();
    this.receiver.close();
    try {
      this.#source.disconnect(this.#destination);
    } catch {
      // Already disconnected by the player's teardown.
    }
  }
}

function defaultCreatePeerConnection(): CreatePeerConnection {
  const PeerConnection = (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection;
  if (PeerConnection === undefined) {
    throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', "echoMitigation: 'loopback' needs WebRTC (RTCPeerConnection), which this browser lacks.");
  }
  return (configuration) => new PeerConnection(configuration);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RealtimeError('VOXWIRE_TIMEOUT', `${what} within ${ms} ms.`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
