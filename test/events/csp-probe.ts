/**
 * Run in a child process by csp.test.ts: records every attempt to build code from strings
 * (`new Function`, `Function()`, `fn.constructor(...)`, `eval`) while the SDK's event module
 * is imported and used on every fixture and official example, then prints what it saw as JSON.
 * A strict Content-Security-Policy (no 'unsafe-eval') reports each such attempt.
 */
import { fixtureLines, officialExamples } from './examples';

const attempts: string[] = [];
const RealFunction = globalThis.Function;
const record = (how: string, args: readonly unknown[]) => attempts.push(`${how}(${args.map((arg) => JSON.stringify(String(arg)).slice(0, 60)).join(', ')})`);
const FunctionProxy: FunctionConstructor = new Proxy(RealFunction, {
  construct(target, args, newTarget): object {
    record('new Function', args);
    return Reflect.construct(target, args, newTarget === FunctionProxy ? target : newTarget);
  },
  apply(target, thisArg, args): unknown {
    record('Function', args);
    return Reflect.apply(target, thisArg, args);
  },
});
globalThis.Function = FunctionProxy;
Object.defineProperty(RealFunction.prototype, 'constructor', { value: FunctionProxy, writable: true, configurable: true });
const realEval = globalThis.eval;
globalThis.eval = (code: string) => {
  record('eval', [code]);
  return realEval(code);
};

const events = await import('../../src/events');
let parsed = 0;
for (const line of fixtureLines()) {
  const text = JSON.stringify(line.event);
  const result = line.dir === 'server' ? events.parseServerEvent(text) : events.parseClientEvent(text);
  if (!result.ok || !result.known) throw new Error(`fixture ${line.file}:${line.line} did not parse`);
  if (line.dir === 'client') events.serializeClientEvent(line.event as never);
  parsed += 1;
}
for (const example of officialExamples()) {
  const text = JSON.stringify(example.example);
  const result = example.dir === 'server' ? events.parseServerEvent(text) : events.parseClientEvent(text);
  if (!result.ok) throw new Error(`official ${example.type} did not parse`);
  parsed += 1;
}
// Failure paths build zod errors and messages: exercise them too.
events.parseServerEvent('{"type":"response.output_audio.delta","delta":5}');
events.parseClientEvent('{"type":"session.update","session":{"modalities":["text"]}}');
try {
  events.serializeClientEvent({ type: 'session.update', session: { type: 'realtime', voice: 'marin' } } as never);
} catch {
  // expected
}
events.normalizeSessionConfig({ modalities: ['text', 'audio'], voice: 'sage', input_audio_format: 'pcm16', temperature: 0.8 });

const sdkAttempts = [...attempts];

// Control: classic zod's JIT object parser probes `new Function`, so the trap must see it.
const classic = await import('zod');
classic.object({ a: classic.string() }).parse({ a: 'x' });

process.stdout.write(JSON.stringify({ parsed, sdkAttempts, controlAttempts: attempts.length - sdkAttempts.length }));
