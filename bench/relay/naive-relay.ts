// The relay most tutorials show: a `ws` server that opens an upstream socket with the key and
// pipes messages both ways. No authentication, no policy, no limits, no metrics. (It sends
// frames on as it got them, which is the cheapest a pipe can be; many tutorials also
// `toString()` them first.)
import { WebSocket, WebSocketServer } from 'ws';

export interface NaiveRelay {
  url: string;
  /** Frames piped so far, both directions. */
  frames(): number;
  close(): Promise<void>;
}

export async function startNaiveRelay(upstreamUrl: string, apiKey: string): Promise<NaiveRelay> {
  let frames = 0;
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (client) => {
    const upstream = new WebSocket(`${upstreamUrl}?model=gpt-realtime-2.1`, { headers: { Authorization: `Bearer ${apiKey}` } });
    let pending: Array<{ data: WebSocket.RawData; isBinary: boolean }> | undefined = [];
    upstream.on('open', () => {
      for (const { data, isBinary } of pending ?? []) upstream.send(data, { binary: isBinary });
      pending = undefined;
    });
    client.on('message', (data, isBinary) => {
      frames += 1;
      if (pending) pending.push({ data, isBinary });
      else upstream.send(data, { binary: isBinary });
    });
    upstream.on('message', (data, isBinary) => {
      frames += 1;
      client.send(data, { binary: isBinary });
    });
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/realtime`,
    frames: () => frames,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
