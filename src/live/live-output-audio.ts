/**
 * The model's speech on its way to the user in a Live session: over a WebSocket, wire audio
 * decoded by the session format, handed to the app (`audio`) and to an attached sink; when the user speaks over it, the sink flushed
 * locally (GPT-Live has no truncate or cancel: the model decides itself whether to go on). Over
 * WebRTC the server plays the speech, so a barge-in is only reported, once per assistant turn.
 */
import { RealtimeError } from '../base/errors';
import type { AudioOutputSink } from '../client/audio-io';
import { toRealtimeError } from '../client/session-errors';
import { describeAudioFormat } from '../codec/audio-format';
import type { AudioFormatLike } from '../codec/audio-format';
import { base64ToPcm16, decodeBase64 } from '../codec/base64';
import { decodeAlaw, decodeMulaw } from '../codec/g711';
import type { LiveInterruptionInfo } from './live-client-events';
import type { LiveContext } from './live-context';

/** The model's speech for one `LiveClient`, across its sessions. */
export interface LiveOutputAudio {
  /** Plays through `sink` (the transport's media when it carries audio); returns a function that detaches it. */
  attach(sink: AudioOutputSink): () => void;
  /** One `session.output_audio.delta` in `format`. Errors are reported, never thrown. */
  receive(delta: string, format: AudioFormatLike): void;
  /** A user transcript fragment that overlapped the assistant's turn `over` (if any): a barge-in stops playback. */
  userSpoke(delta: string, over: string | undefined): void;
  /** Stops local playback now and reports it as `interrupted`. */
  stop(reason: LiveInterruptionInfo['reason']): Promise<LiveInterruptionInfo>;
  /** A session started (nothing plays yet) or, with `drop`, ended: what the sink had queued is dropped. */
  reset(drop: boolean): void;
}

/** The model's speech for a `LiveClient` (see the module's comment). */
export function liveOutputAudio(context: LiveContext): LiveOutputAudio {
  const { transport, clock, emit } = context;
  const viaEvents = (): boolean => transport.capabilities.audio === 'events';
  let sink: AudioOutputSink | undefined;
  /** Client-clock time until which the assistant's received audio still plays (WebSocket). */
  let playingUntil = 0;
  /** Later audio after a stop is a new stretch of speech for the sink (its position restarts). */
  let segment = 0;
  /** The assistant turn the user last spoke over (WebRTC), so that one barge-in is one `interrupted`. */
  let cutTurn: string | undefined;

  const stop = async (reason: LiveInterruptionInfo['reason']): Promise<LiveInterruptionInfo> => {
    playingUntil = 0;
    segment += 1;
    let flushed = false;
    let playedMs: number | undefined;
    if (sink && viaEvents()) {
      try {
        const position = await sink.flush();
        flushed = true;
        if (position) playedMs = Math.floor((position.playedSamples / position.sampleRate) * 1000);
      } catch (cause) {
        emit('error', toRealtimeError(cause, 'VOXWIRE_AUDIO_DEVICE'));
      }
    }
    const info: LiveInterruptionInfo = { reason, flushed, playedMs };
    emit('interrupted', info);
    return info;
  };

  return {
    attach(next) {
      const media = transport.media?.attachOutput(next);
      if (media) return media;
      sink = next;
      return () => {
        if (sink === next) sink = undefined;
      };
    },
    receive(delta, format) {
      let samples: Int16Array;
      let sampleRate: number;
      try {
        // The codecs, not codec/wire-audio's decoder: a wire-audio module shared with this entry
        // reorders the root entry's build chunks, which costs the Realtime app 0.19 KB of gzip.
        const info = describeAudioFormat(format);
        sampleRate = info.sampleRate;
        samples = info.encoding === 'pcm16' ? base64ToPcm16(delta) : (info.encoding === 'mulaw' ? decodeMulaw : decodeAlaw)(decodeBase64(delta));
      } catch (cause) {
        emit('error', new RealtimeError('VOXWIRE_INVALID_EVENT', 'session.output_audio.delta: `delta` is not audio in the session format.', { cause, raw: delta }));
        return;
      }
      playingUntil = Math.max(playingUntil, clock.now()) + (samples.length / sampleRate) * 1000;
      emit('audio', { samples, sampleRate });
      try {
        sink?.write({ itemId: `${context.sessionId}:${segment}`, contentIndex: 0, samples, sampleRate });
      } catch (cause) {
        emit('error', new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'The audio sink refused a chunk of model speech.', { cause }));
      }
    },
    userSpoke(delta, over) {
      // The user spoke over the assistant: its audio still playing here (WebSocket), or over
      // WebRTC (the server plays it) its open turn on the timeline, once per turn.
      if (delta.trim() === '' || !(viaEvents() ? clock.now() < playingUntil : over !== undefined && over !== cutTurn)) return;
      cutTurn = over;
      if (context.options.stopPlaybackOnSpeech ?? true) void stop('speech');
    },
    stop,
    reset(drop) {
      playingUntil = 0;
      if (drop && sink) void sink.flush().catch(() => undefined);
    },
  };
}
