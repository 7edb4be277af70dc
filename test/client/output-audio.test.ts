/**
 * Who owns the decoded samples (issue 19's hot path: no second copy before the worklet): the
 * client decodes each delta into a fresh array and hands it to the sink (`transfer: true`)
 * unless an `audio` listener received it, in which case the sink must copy, so the app's array
 * stays intact whatever the sink does with its own.
 */
import { describe, expect, it } from 'vitest';
import type { AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../../src/client/audio-io';
import { RealtimeClient } from '../../src/client/client';
import type { AudioChunkInfo } from '../../src/client/client-events';
import { pcm16ToBase64 } from '../../src/codec/base64';
import { silentLogger } from '../../src/base/logger';
import { until, useCleanup } from '../helpers/index';
import { startScriptedServer } from './scripted-server';

const { stoppers } = useCleanup();

/** A sink that does what AudioPlayer does with a handed-over array: keeps its buffer (detaching it with structuredClone's transfer). */
class TransferringSink implements AudioOutputSink {
  readonly chunks: Array<{ transfer: boolean | undefined; samples: Int16Array }> = [];
  write(chunk: AudioOutputChunk): void {
    const samples = chunk.transfer === true ? structuredClone(chunk.samples, { transfer: [chunk.samples.buffer as ArrayBuffer] }) : chunk.samples.slice();
    this.chunks.push({ transfer: chunk.transfer, samples });
  }
  async flush(): Promise<PlaybackPosition | null> {
    return null;
  }
}

const TONE = Int16Array.from({ length: 480 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));

async function deliver(listen: boolean): Promise<{ sink: TransferringSink; heard: AudioChunkInfo[] }> {
  const server = await startScriptedServer();
  stoppers.push(() => server.stop());
  const client = new RealtimeClient({ url: server.url, apiKey: 'sk-test', logger: silentLogger, reconnect: false });
  stoppers.push(() => client.disconnect());
  const sink = new TransferringSink();
  client.attachOutput(sink);
  const heard: AudioChunkInfo[] = [];
  if (listen) client.on('audio', (chunk) => heard.push(chunk));
  await client.connect();
  for (let i = 0; i < 3; i += 1) {
    server.send({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: pcm16ToBase64(TONE) });
  }
  await until(() => sink.chunks.length === 3, 'the three deltas written to the sink');
  return { sink, heard };
}

describe('decoded output audio: handed to the sink, or copied for an app that keeps it', () => {
  it('without an audio listener the sink may keep the decoded array (transfer: true)', async () => {
    const { sink } = await deliver(false);
    expect(sink.chunks.map((chunk) => chunk.transfer)).toEqual([true, true, true]);
    for (const chunk of sink.chunks) expect([...chunk.samples]).toEqual([...TONE]);
  });

  it('with an audio listener the sink copies, and the arrays the app received stay whole after the sink took its own', async () => {
    const { sink, heard } = await deliver(true);
    expect(sink.chunks.map((chunk) => chunk.transfer)).toEqual([false, false, false]);
    expect(heard).toHaveLength(3);
    for (const chunk of heard) expect([...chunk.samples]).toEqual([...TONE]);
  });
});
