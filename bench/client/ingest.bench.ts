// Client ingest (issue 19, "hot paths, measured side by side"): the CPU a client costs per server
// event on one WebSocket, voxwire's `RealtimeClient` against `@openai/agents-realtime` (its
// `RealtimeSession`, and its `OpenAIRealtimeWebSocket` transport alone), the `openai` package's
// `OpenAIRealtimeWS`, and a bare `ws` + `JSON.parse` client (the floor), on the same stream.
//
// The stream (bench/client/ingest-stream.ts): spoken turns in the shape of the recorded fixtures,
// mostly `response.output_audio.delta` of 20-50 ms of 24 kHz PCM16, transcript deltas both ways,
// VAD and item events, `response.created`/`done` with usage, `rate_limits.updated`, a
// `session.updated` per round and a `get_weather` call every fourth turn. A loopback `ws` server
// sends it, alone in a child process (bench/client/ingest-server.ts), so `process.cpuUsage()`
// here is the clients' own CPU: socket reads, framing, parsing, validation, their state, the app's
// listeners. All clients stay connected; one streams at a time, in balanced orders over several
// rounds, after warm-up rounds; median and range over rounds, ratios to voxwire in each round.
//
// voxwire runs as a Node backend runs it: no audio sink (its player is a browser AudioWorklet),
// so it decodes each delta to PCM16 for the app's `audio` listener and counts it into the
// conversation. Every client's app takes the audio as PCM16 bytes (voxwire and agents-realtime
// decode it themselves; with `openai` and the bare client the app calls
// `Buffer.from(delta, 'base64')`) and answers the call; see bench/client/ingest-clients.ts. The
// bare row without decoding is the literal floor: the socket and `JSON.parse`, nothing else.
//
// VOXWIRE_SRC=<dir>: measure the voxwire of another checkout (its src/, e.g. a `git worktree`)
// instead of this one. VOXWIRE_BEFORE=<dir>: add it as a second voxwire row (labelled with its
// commit), measured in the same rounds. INGEST_TURNS (24) and INGEST_ROUNDS (9) size the run.
// INGEST_PACE=n paces the server (n frames, then a 1 ms timer): by default it sends as fast as the
// socket takes, and a client slower than the server then reads many frames per socket read, a
// faster one few, so the fast clients' figures depend on how much CPU the server got; paced,
// every client reads a frame or two at a time, as a live session does (slower: ~3 s a window).
// Run: npx tsx bench/client/ingest.bench.ts  (or npm run bench -- client/ingest); about 30 s.
import { execFileSync, fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Voxwire from '../../src/index';
import { median, range } from '../relay/paired-relays';
import { agentsSessionClient, agentsTransportClient, bareClient, openaiClient, voxwireClient, type ClientFactory, type IngestClient } from './ingest-clients';

const TURNS = Number(process.env.INGEST_TURNS ?? 24);
const ROUNDS = Number(process.env.INGEST_ROUNDS ?? 9);
const WARMUP_ROUNDS = 3;
/** Frames per 1 ms timer of the server; 0 sends as fast as the socket takes them. */
const PACE = Number(process.env.INGEST_PACE ?? 0);

interface Ready {
  url: string;
  frames: number;
  counts: Record<string, number>;
  audioBytes: number;
  audioSeconds: number;
  chars: number;
}

interface Candidate {
  name: string;
  label: string;
  open: ClientFactory;
  client?: IngestClient;
  /** CPU µs per event, one per measured round. */
  perEvent: number[];
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The voxwire of a checkout's src/ (its root barrel), and a label naming its commit. */
async function voxwireFrom(dir: string | undefined): Promise<{ module: typeof Voxwire; label: string }> {
  const src = resolve(dir ?? resolve(root, 'src'));
  const commit = execFileSync('git', ['-C', src, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).trim();
  const module = (await import(pathToFileURL(resolve(src, 'index.ts')).href)) as typeof Voxwire;
  return { module, label: dir === undefined ? `this tree (${commit})` : `${src} (${commit})` };
}

function startServer(): Promise<{ ready: Ready; request: <Reply>(message: object, reply: string) => Promise<Reply>; exit: () => void }> {
  const child = fork(fileURLToPath(new URL('./ingest-server.ts', import.meta.url)), [String(TURNS)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const request = <Reply>(message: object, reply: string): Promise<Reply> =>
    new Promise((resolveReply) => {
      const onMessage = (answer: { type: string; client?: string }): void => {
        if (answer.type !== reply || answer.client !== (message as { client?: string }).client) return;
        child.off('message', onMessage);
        resolveReply(answer as Reply);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return new Promise((resolveStart, reject) => {
    child.once('exit', (code) => reject(new Error(`the ingest server exited with ${code}`)));
    child.on('message', (message: { type: string }) => {
      if (message.type === 'ready') resolveStart({ ready: message as unknown as Ready, request, exit: () => child.send({ type: 'exit' }) });
    });
  });
}

/** Balanced orders (rotated, and reversed every other cycle), so drift over the run favours no client. */
function orderFor<T>(round: number, items: readonly T[]): T[] {
  const shift = round % items.length;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return Math.floor(round / items.length) % 2 === 0 ? rotated : rotated.reverse();
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
}

const started = performance.now();
const loadBefore = loadavg()[0] as number;
const server = await startServer();
const { ready } = server;
const under = await voxwireFrom(process.env.VOXWIRE_SRC);
const before = process.env.VOXWIRE_BEFORE === undefined ? undefined : await voxwireFrom(process.env.VOXWIRE_BEFORE);

const candidates: Candidate[] = [
  { name: 'voxwire', label: `voxwire \`RealtimeClient\`, ${under.label}`, open: voxwireClient(under.module), perEvent: [] },
  ...(before ? [{ name: 'voxwire-before', label: `voxwire \`RealtimeClient\`, ${before.label}`, open: voxwireClient(before.module), perEvent: [] }] : []),
  { name: 'agents-session', label: '@openai/agents-realtime `RealtimeSession` (agent + tool, WebSocket)', open: agentsSessionClient, perEvent: [] },
  { name: 'agents-transport', label: '@openai/agents-realtime `OpenAIRealtimeWebSocket` alone', open: agentsTransportClient, perEvent: [] },
  { name: 'openai', label: '`openai` `OpenAIRealtimeWS` + `Buffer.from(delta, "base64")`', open: openaiClient, perEvent: [] },
  { name: 'bare-decode', label: 'bare `ws` + `JSON.parse` + `Buffer.from(delta, "base64")`', open: bareClient(true), perEvent: [] },
  { name: 'bare', label: 'bare `ws` + `JSON.parse` only (the floor)', open: bareClient(false), perEvent: [] },
];

const mix = Object.entries(ready.counts)
  .sort((a, b) => b[1] - a[1])
  .map(([type, count]) => `${type} ${count}`)
  .join(', ');
console.log(`bench/client/ingest on ${cpus().length} cores, Node ${process.version}, load average ${loadBefore.toFixed(2)} before`);
console.log(
  `stream per round: ${ready.frames} frames in ${TURNS} turns, ${(ready.chars / 1024 / 1024).toFixed(1)} MiB, ${ready.audioSeconds.toFixed(1)} s of assistant audio (${mix})`,
);
console.log(
  `${WARMUP_ROUNDS} warm-up + ${ROUNDS} measured rounds; each round streams the whole stream to every client in turn, ${PACE === 0 ? 'as fast as the socket takes it' : `paced: ${PACE} frames, then a 1 ms timer`}`,
);

for (const candidate of candidates) candidate.client = await candidate.open(`${ready.url}/v1/realtime?client=${candidate.name}`);

/** Streams one round to one client; returns its CPU until it has handed the app every frame. */
async function window(candidate: Candidate): Promise<number> {
  const client = candidate.client as IngestClient;
  gc();
  await new Promise((resolveSettle) => setTimeout(resolveSettle, 20));
  const target = client.events + ready.frames;
  const cpu = process.cpuUsage();
  const streamed = server.request({ type: 'stream', client: candidate.name, pace: PACE }, 'streamed');
  await client.whenEvents(target);
  const used = process.cpuUsage(cpu);
  await streamed;
  return used.user + used.system;
}

// What the process spends with every client connected and nothing arriving (timers, threads):
// paced windows last seconds, and this runs in them too.
{
  const cpu = process.cpuUsage();
  const at = performance.now();
  await new Promise((resolveIdle) => setTimeout(resolveIdle, 1000));
  const used = process.cpuUsage(cpu);
  console.log(`idle, every client connected: ${((used.user + used.system) / (performance.now() - at)).toFixed(1)} µs CPU per ms`);
}
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
  const line: string[] = [];
  for (const candidate of orderFor(round, candidates)) {
    const cpuUs = await window(candidate);
    if (round < WARMUP_ROUNDS) continue;
    candidate.perEvent.push(cpuUs / ready.frames);
    line.push(`${candidate.name} ${(cpuUs / ready.frames).toFixed(2)}`);
  }
  if (round >= WARMUP_ROUNDS) console.log(`  round ${round - WARMUP_ROUNDS + 1} (µs CPU per event): ${line.join(' | ')}`);
}

// Every client must have handed the app every frame and the same audio.
const rounds = WARMUP_ROUNDS + ROUNDS;
const sent: Array<{ sent: number; received: Record<string, number> }> = [];
for (const candidate of candidates) sent.push(await server.request({ type: 'sent', client: candidate.name }, 'sent'));
for (const [index, candidate] of candidates.entries()) {
  const client = candidate.client as IngestClient;
  const expectedAudio = candidate.name === 'bare' ? 0 : rounds * ready.audioBytes;
  const { sent: frames, received } = sent[index] as { sent: number; received: Record<string, number> };
  const fine = client.events === frames && client.audioBytes === expectedAudio && client.problems.length === 0;
  const sentBack = Object.entries(received)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  console.log(
    `  ${fine ? 'ok' : '!!'} ${candidate.name}: ${client.events} of ${frames} frames handed to the app, ${client.audioBytes} of ${expectedAudio} PCM16 bytes, sent ${sentBack}${client.problems.length > 0 ? `; problems: ${client.problems.slice(0, 3).join(' / ')}` : ''}`,
  );
}

const reference = candidates[0] as Candidate;
const voxwireMedian = median(reference.perEvent);
console.log('\n| client (the app takes every event, audio as PCM16 bytes, answers the tool call) | CPU per event, µs: median (range over rounds) | ÷ voxwire: median (rounds) | CPU per second of assistant audio |');
console.log('|---|---:|---:|---:|');
for (const candidate of candidates) {
  const perRound = candidate.perEvent.map((value, index) => value / (reference.perEvent[index] as number));
  const perEvent = median(candidate.perEvent);
  const msPerAudioSecond = (perEvent * ready.frames) / 1000 / ready.audioSeconds;
  console.log(
    `| ${candidate.label} | ${perEvent.toFixed(2)} (${range(candidate.perEvent, 2)}) | ${(perEvent / voxwireMedian).toFixed(2)}× (${range(perRound, 2)}) | ${msPerAudioSecond.toFixed(2)} ms |`,
  );
}

for (const candidate of candidates) candidate.client?.close();
server.exit();
console.log(`\nbench/client/ingest took ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`);
