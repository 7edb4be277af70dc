import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../../src/base/defaults';
import { RealtimeError } from '../../src/base/errors';
import { defineTool } from '../../src/tools/define-tool';
import { ToolDispatcher, type ToolDispatcherOptions } from '../../src/tools/dispatcher';
import { ToolRegistry } from '../../src/tools/registry';
import type { ToolContext } from '../../src/tools/tool-context';
import {
  FakeClock,
  FakeHost,
  argumentsDone,
  callEvents,
  conversationItemAdded,
  outputItemDone,
  responseCreated,
  responseDone,
  settle,
  type CallSpec,
} from './fakes';

function deferred<T = unknown>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(options: Partial<ToolDispatcherOptions> = {}) {
  const clock = new FakeClock();
  const host = new FakeHost();
  // The registry debounces on its own clock, so `clock.pending` counts only the dispatcher's timers.
  const registry = new ToolRegistry({ clock: new FakeClock() });
  const dispatcher = new ToolDispatcher({ tools: registry, host, clock, ...options });
  const feed = (...events: Parameters<ToolDispatcher['handleEvent']>[0][]) => {
    for (const event of events) dispatcher.handleEvent(event);
  };
  return { clock, host, registry, dispatcher, feed };
}

const weatherCall: CallSpec = { responseId: 'resp_002', itemId: 'fc_001', callId: 'call_001', name: 'get_weather', arguments: '{"location": "San Francisco"}' };

function weatherTool(clock?: FakeClock, contexts: ToolContext[] = []) {
  return defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ location: z.string() }),
    execute: async ({ location }, context) => {
      contexts.push(context);
      clock?.advance(250);
      return { location, forecast: 'sunny', celsius: 21 };
    },
  });
}

describe('ToolDispatcher: a single call', () => {
  it('runs the call, then after response.done sends its output and one response request', async () => {
    const { clock, host, registry, feed } = setup();
    const contexts: ToolContext[] = [];
    registry.add(weatherTool(clock, contexts));
    feed(responseCreated('resp_002'), ...callEvents(weatherCall));
    await settle();

    expect(host.events('toolCall')).toEqual([{ ...withoutResponseFields(weatherCall), args: { location: 'San Francisco' } }]);
    expect(host.events('toolResult')).toEqual([
      {
        ...withoutResponseFields(weatherCall),
        args: { location: 'San Francisco' },
        result: { location: 'San Francisco', forecast: 'sunny', celsius: 21 },
        output: '{"location":"San Francisco","forecast":"sunny","celsius":21}',
        durationMs: 250,
      },
    ]);
    // Nothing goes out while the response is still active.
    expect(host.log).toEqual([]);

    feed(responseDone('resp_002', [weatherCall]));
    expect(host.sent).toEqual([
      {
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: 'call_001', output: '{"location":"San Francisco","forecast":"sunny","celsius":21}' },
      },
    ]);
    expect(host.responseRequests).toEqual([undefined]);
    expect(host.log).toEqual(['conversation.item.create', 'requestResponse']);
    expect(host.events('toolOutputs')).toEqual([
      {
        responseId: 'resp_002',
        outputs: [{ callId: 'call_001', itemId: 'fc_001', name: 'get_weather', output: '{"location":"San Francisco","forecast":"sunny","celsius":21}', status: 'completed' }],
        responseRequested: true,
      },
    ]);
    expect(host.events('toolError')).toEqual([]);

    const [context] = contexts;
    expect(context).toMatchObject({ callId: 'call_001', itemId: 'fc_001', responseId: 'resp_002' });
    expect(context?.conversation).toBe(host.conversation);
    expect(context?.signal.aborted).toBe(false);
    expect(context?.send({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'note' }] } })).toBe(true);
  });

  it('also sends when the calls finish after response.done', async () => {
    const { host, registry, feed } = setup();
    const gate = deferred<string>();
    registry.add(defineTool({ name: 'get_weather', description: '', parameters: { type: 'object' }, execute: () => gate.promise }));
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.log).toEqual([]);
    gate.resolve('Sunny');
    await settle();
    expect(host.outputs).toEqual([{ call_id: 'call_001', output: 'Sunny' }]);
    expect(host.log).toEqual(['conversation.item.create', 'requestResponse']);
  });

  it.each([
    ['response.function_call_arguments.done only', () => [argumentsDone(weatherCall)]],
    ['response.output_item.done only', () => [outputItemDone(weatherCall)]],
    ['response.done only', () => []],
  ])('dispatches from %s', async (_label, events) => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    feed(...events());
    await settle();
    feed(responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.events('toolResult')).toHaveLength(1);
    expect(host.outputs).toEqual([{ call_id: 'call_001', output: '{"location":"San Francisco","forecast":"sunny","celsius":21}' }]);
    expect(host.responseRequests).toHaveLength(1);
  });

  it('does not run an incomplete function_call item', async () => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    feed(outputItemDone({ ...weatherCall, arguments: '{"loca' }, 'incomplete'), responseDone('resp_002', [weatherCall], 'incomplete', 'max_output_tokens'));
    await settle();
    expect(host.emitted).toEqual([]);
    expect(host.log).toEqual([]);
  });

  it('ignores responses without calls', async () => {
    const { host, feed } = setup();
    feed(responseCreated('resp_1'), responseDone('resp_1', []));
    await settle();
    expect(host.log).toEqual([]);
  });
});

describe('ToolDispatcher: exactly once per call_id', () => {
  it('ignores re-delivered events', async () => {
    const { host, registry, feed } = setup();
    let runs = 0;
    registry.add(defineTool({ name: 'get_weather', description: '', parameters: { type: 'object' }, execute: () => ++runs }));
    feed(...callEvents(weatherCall), ...callEvents(weatherCall), argumentsDone(weatherCall));
    await settle();
    feed(responseDone('resp_002', [weatherCall]), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(runs).toBe(1);
    expect(host.outputs).toHaveLength(1);
    expect(host.responseRequests).toHaveLength(1);
  });

  it('never dispatches from conversation.item.added (replayed history)', async () => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    feed(conversationItemAdded(weatherCall), conversationItemAdded({ ...weatherCall, callId: 'call_new', itemId: 'fc_new' }));
    await settle();
    expect(host.emitted).toEqual([]);
  });

  it('runs a call once across a reconnect, even when the server re-sends it', async () => {
    const { host, registry, dispatcher, feed } = setup();
    let runs = 0;
    const gate = deferred<string>();
    registry.add(
      defineTool({
        name: 'get_weather',
        description: '',
        parameters: { type: 'object' },
        execute: () => {
          runs++;
          return gate.promise;
        },
      }),
    );
    feed(...callEvents(weatherCall));
    await settle();
    host.connected = false;
    dispatcher.onDisconnect();
    host.connected = true;
    // The new session: history replayed as items, and a re-delivered completion for good measure.
    feed(conversationItemAdded(weatherCall), argumentsDone(weatherCall), outputItemDone(weatherCall), responseDone('resp_002', [weatherCall]));
    gate.resolve('late');
    await settle();
    expect(runs).toBe(1);
    expect(host.log).toEqual([]);
  });

  it('does not run a call the conversation already answered', async () => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    host.conversation.addOutput('call_001');
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.emitted).toEqual([]);
    expect(host.log).toEqual([]);
  });
});

describe('ToolDispatcher: parallel calls', () => {
  const first: CallSpec = { responseId: 'resp_p', itemId: 'fc_a', callId: 'call_a', name: 'slow_add', arguments: '{"a":1,"b":2}', outputIndex: 0 };
  const second: CallSpec = { responseId: 'resp_p', itemId: 'fc_b', callId: 'call_b', name: 'slow_add', arguments: '{"a":3,"b":4}', outputIndex: 1 };

  it('runs them concurrently and sends all outputs, in output order, then one response request', async () => {
    const { host, registry, feed } = setup();
    const gates = new Map<number, ReturnType<typeof deferred<number>>>();
    let running = 0;
    let maxRunning = 0;
    registry.add(
      defineTool({
        name: 'slow_add',
        description: 'Adds slowly.',
        parameters: zm.object({ a: zm.number(), b: zm.number() }),
        execute: async ({ a, b }) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          const gate = deferred<number>();
          gates.set(a, gate);
          const value = await gate.promise;
          running--;
          return a + b + value;
        },
      }),
    );
    feed(responseCreated('resp_p'), ...callEvents(first), ...callEvents(second));
    await settle();
    expect(maxRunning).toBe(2);
    feed(responseDone('resp_p', [first, second]));
    // The second finishes first; the outputs still follow the response's order.
    gates.get(3)?.resolve(0);
    await settle();
    expect(host.log).toEqual([]);
    gates.get(1)?.resolve(0);
    await settle();
    expect(host.outputs).toEqual([
      { call_id: 'call_a', output: '3' },
      { call_id: 'call_b', output: '7' },
    ]);
    expect(host.log).toEqual(['conversation.item.create', 'conversation.item.create', 'requestResponse']);
  });

  it('answers failing and succeeding calls together with one response request', async () => {
    const { host, registry, feed } = setup();
    registry.add(defineTool({ name: 'slow_add', description: '', parameters: z.object({ a: z.number(), b: z.number() }), execute: ({ a, b }) => a + b }));
    const broken: CallSpec = { ...second, name: 'missing_tool' };
    feed(...callEvents(first), ...callEvents(broken), responseDone('resp_p', [first, broken]));
    await settle();
    expect(host.outputs).toEqual([
      { call_id: 'call_a', output: '3' },
      { call_id: 'call_b', output: '{"error":"Unknown tool \\"missing_tool\\". Available tools: slow_add."}' },
    ]);
    expect(host.responseRequests).toHaveLength(1);
  });

  it('keeps responses apart: each gets its own outputs and request', async () => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    const later: CallSpec = { ...weatherCall, responseId: 'resp_003', callId: 'call_002', itemId: 'fc_002' };
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    feed(...callEvents(later), responseDone('resp_003', [later]));
    await settle();
    expect(host.log).toEqual(['conversation.item.create', 'requestResponse', 'conversation.item.create', 'requestResponse']);
  });
});

describe('ToolDispatcher: tool_choice and autoRespond', () => {
  it('dispatches nothing with tool_choice none', async () => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    host.toolChoice = 'none';
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.emitted).toEqual([]);
    expect(host.log).toEqual([]);
  });

  it.each([
    ['required', 'required' as const],
    ['a named function', { type: 'function', name: 'get_weather' } as const],
  ])('asks for tool_choice auto in the follow-up after %s', async (_label, toolChoice) => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    host.toolChoice = toolChoice;
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.responseRequests).toEqual([{ tool_choice: 'auto' }]);
  });

  it('uses the configured follow-up tool_choice, or none with false', async () => {
    const custom = setup({ followUpToolChoice: 'none' });
    custom.registry.add(weatherTool());
    custom.host.toolChoice = 'required';
    custom.feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(custom.host.responseRequests).toEqual([{ tool_choice: 'none' }]);

    const keep = setup({ followUpToolChoice: false });
    keep.registry.add(weatherTool());
    keep.host.toolChoice = 'required';
    keep.feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(keep.host.responseRequests).toEqual([undefined]);
  });

  it('sends outputs but requests no response with autoRespond false', async () => {
    const { host, registry, feed } = setup({ autoRespond: false });
    registry.add(weatherTool());
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.log).toEqual(['conversation.item.create']);
    expect(host.events('toolOutputs')[0]?.responseRequested).toBe(false);
  });
});

describe('ToolDispatcher: failure is an answer', () => {
  async function failing(call: CallSpec, ...tools: Parameters<ToolRegistry['add']>) {
    const { host, registry, feed } = setup();
    registry.add(...tools);
    feed(...callEvents(call), responseDone(call.responseId ?? 'resp_1', [call]));
    await settle();
    expect(host.responseRequests).toHaveLength(1);
    expect(host.outputs).toHaveLength(1);
    const errors = host.events('toolError');
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error?.output).toBe(host.outputs[0]?.output);
    expect(JSON.parse(error?.output ?? '')).toEqual({ error: error?.error.message });
    expect(error?.error).toBeInstanceOf(RealtimeError);
    return { host, error: error! };
  }

  it('unknown tool', async () => {
    const { error, host } = await failing({ ...weatherCall, name: 'get_wether' }, weatherTool());
    expect(error.error.code).toBe('VOXWIRE_TOOL_NOT_FOUND');
    expect(error.error.message).toBe('Unknown tool "get_wether". Available tools: get_weather.');
    expect(host.events('toolCall')).toEqual([]);
  });

  it('arguments that are not JSON', async () => {
    const { error } = await failing({ ...weatherCall, arguments: '{"location": "San' }, weatherTool());
    expect(error.error.code).toBe('VOXWIRE_TOOL_INVALID_ARGUMENTS');
    expect(error.error.message).toMatch(/^Invalid arguments for get_weather: arguments are not valid JSON \(/);
    expect(error.args).toBeUndefined();
  });

  it('arguments that fail validation, listing the issues', async () => {
    const { error } = await failing({ ...weatherCall, arguments: '{"location": 7}' }, weatherTool());
    expect(error.error.code).toBe('VOXWIRE_TOOL_INVALID_ARGUMENTS');
    expect(error.error.message).toBe('Arguments failed validation for get_weather: location: Invalid input: expected string, received number');
    expect(error.arguments).toBe('{"location": 7}');
  });

  it('a throwing execute (sync and async), with the cause', async () => {
    const cause = new Error('upstream 503');
    const sync = await failing(
      weatherCall,
      defineTool({
        name: 'get_weather',
        description: '',
        parameters: { type: 'object' },
        execute: () => {
          throw cause;
        },
      }),
    );
    expect(sync.error.error.code).toBe('VOXWIRE_TOOL_FAILED');
    expect(sync.error.error.message).toBe('Tool get_weather failed: upstream 503');
    expect(sync.error.error.cause).toBe(cause);
    expect(sync.error.durationMs).toBe(0);
    expect(sync.host.events('toolCall')).toHaveLength(1);

    const rejected = await failing(weatherCall, defineTool({ name: 'get_weather', description: '', parameters: { type: 'object' }, execute: () => Promise.reject('nope') }));
    expect(rejected.error.error.message).toBe('Tool get_weather failed: nope');
  });

  it('a result that is not JSON-serialisable', async () => {
    const { error } = await failing(weatherCall, defineTool({ name: 'get_weather', description: '', parameters: { type: 'object' }, execute: () => ({ big: 1n }) }));
    expect(error.error.code).toBe('VOXWIRE_TOOL_FAILED');
    expect(error.error.message).toMatch(/^Tool get_weather returned a value that is not JSON-serialisable \(.*BigInt.*\)\.$/);
  });

  it('keeps going when an event listener throws', async () => {
    const { host, registry, feed } = setup();
    host.emit = () => {
      throw new Error('listener bug');
    };
    registry.add(weatherTool());
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.log).toEqual(['conversation.item.create', 'requestResponse']);
  });
});

describe('ToolDispatcher: timeouts', () => {
  function slowTool(timeoutMs: number | undefined, seen: { signal?: AbortSignal }, late: ReturnType<typeof deferred<string>>) {
    return defineTool({
      name: 'slow',
      description: '',
      parameters: { type: 'object' },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      execute: (_args, { signal }) => {
        seen.signal = signal;
        return late.promise;
      },
    });
  }
  const slowCall: CallSpec = { callId: 'call_s', name: 'slow', arguments: '{}' };

  it('aborts the call at timeoutMs, answers the model, and drops the late result', async () => {
    const { clock, host, registry, feed } = setup();
    const seen: { signal?: AbortSignal } = {};
    const late = deferred<string>();
    registry.add(slowTool(1000, seen, late));
    feed(...callEvents(slowCall), responseDone('resp_1', [slowCall]));
    await settle();
    clock.advance(999);
    expect(host.events('toolError')).toEqual([]);
    clock.advance(1);
    expect(seen.signal?.aborted).toBe(true);
    expect((seen.signal?.reason as RealtimeError).code).toBe('VOXWIRE_TOOL_TIMEOUT');
    const [error] = host.events('toolError');
    expect(error?.error.code).toBe('VOXWIRE_TOOL_TIMEOUT');
    expect(error?.error.message).toBe('Tool slow timed out after 1000 ms.');
    expect(error?.durationMs).toBe(1000);
    expect(host.outputs).toEqual([{ call_id: 'call_s', output: '{"error":"Tool slow timed out after 1000 ms."}' }]);
    expect(host.responseRequests).toHaveLength(1);
    late.resolve('too late');
    await settle();
    expect(host.events('toolResult')).toEqual([]);
    expect(host.outputs).toHaveLength(1);
  });

  it('applies the default timeout, and clears timers of finished calls', async () => {
    const { clock, host, registry, feed } = setup();
    const seen: { signal?: AbortSignal } = {};
    const late = deferred<string>();
    registry.add(slowTool(undefined, seen, late));
    feed(...callEvents(slowCall));
    await settle();
    clock.advance(DEFAULT_TOOL_TIMEOUT_MS);
    expect(host.events('toolError')[0]?.error.code).toBe('VOXWIRE_TOOL_TIMEOUT');

    const quick = setup({ defaultTimeoutMs: 50 });
    quick.registry.add(weatherTool());
    quick.feed(...callEvents(weatherCall));
    await settle();
    expect(quick.clock.pending).toBe(0);
  });

  it('never times out with Infinity', async () => {
    const { clock, host, registry, feed } = setup();
    registry.add(slowTool(Infinity, {}, deferred<string>()));
    feed(...callEvents(slowCall));
    await settle();
    expect(clock.pending).toBe(0);
    clock.advance(10 * DEFAULT_TOOL_TIMEOUT_MS);
    expect(host.events('toolError')).toEqual([]);
  });

  it('refuses a bad defaultTimeoutMs', () => {
    expect(() => setup({ defaultTimeoutMs: 0 })).toThrow('ToolDispatcher: `defaultTimeoutMs` must be a positive number (or Infinity), got 0.');
  });
});

describe('ToolDispatcher: interruption', () => {
  const slowCall: CallSpec = { responseId: 'resp_i', itemId: 'fc_slow', callId: 'call_slow', name: 'slow', arguments: '{}', outputIndex: 0 };
  const quickCall: CallSpec = { responseId: 'resp_i', itemId: 'fc_quick', callId: 'call_quick', name: 'quick', arguments: '{}', outputIndex: 1 };

  function tools(registry: ToolRegistry, late: ReturnType<typeof deferred<string>>, contexts: ToolContext[]) {
    registry.add(
      defineTool({
        name: 'slow',
        description: '',
        parameters: { type: 'object' },
        execute: (_args, context) => {
          contexts.push(context);
          return late.promise;
        },
      }),
      defineTool({ name: 'quick', description: '', parameters: { type: 'object' }, execute: () => 'done' }),
    );
  }

  it('onInterrupt aborts running calls; the model gets cancelled outputs and no follow-up is requested', async () => {
    const { host, registry, dispatcher, feed } = setup();
    const late = deferred<string>();
    const contexts: ToolContext[] = [];
    tools(registry, late, contexts);
    feed(...callEvents(slowCall), ...callEvents(quickCall));
    await settle();
    dispatcher.onInterrupt();
    const [context] = contexts;
    expect(context?.signal.aborted).toBe(true);
    expect((context?.signal.reason as RealtimeError).code).toBe('VOXWIRE_ABORTED');
    expect(context?.send({ type: 'input_audio_buffer.clear' })).toBe(false);
    const [error] = host.events('toolError');
    expect(error).toMatchObject({ callId: 'call_slow', output: '{"error":"cancelled"}' });
    expect(error?.error.code).toBe('VOXWIRE_ABORTED');
    expect(host.log).toEqual([]);

    feed(responseDone('resp_i', [slowCall, quickCall], 'cancelled', 'turn_detected'));
    expect(host.outputs).toEqual([
      { call_id: 'call_slow', output: '{"error":"cancelled"}' },
      { call_id: 'call_quick', output: 'done' },
    ]);
    expect(host.responseRequests).toEqual([]);
    expect(host.events('toolOutputs')[0]).toMatchObject({ responseRequested: false, outputs: [{ status: 'cancelled' }, { status: 'completed' }] });

    late.resolve('late result');
    await settle();
    expect(host.events('toolResult').map((event) => event.callId)).toEqual(['call_quick']);
    expect(host.outputs).toHaveLength(2);
  });

  it('treats a cancelled response.done as an interruption', async () => {
    const { host, registry, feed } = setup();
    const contexts: ToolContext[] = [];
    tools(registry, deferred<string>(), contexts);
    feed(...callEvents(slowCall));
    await settle();
    feed(responseDone('resp_i', [slowCall], 'cancelled', 'client_cancelled'));
    await settle();
    expect(contexts[0]?.signal.aborted).toBe(true);
    expect(host.outputs).toEqual([{ call_id: 'call_slow', output: '{"error":"cancelled"}' }]);
    expect(host.responseRequests).toEqual([]);
  });

  it('never starts a call whose response is cancelled while its arguments are validated', async () => {
    const { host, registry, feed } = setup();
    const contexts: ToolContext[] = [];
    tools(registry, deferred<string>(), contexts);
    feed(...callEvents(slowCall), responseDone('resp_i', [slowCall], 'cancelled', 'turn_detected'));
    await settle();
    expect(contexts).toEqual([]);
    expect(host.events('toolCall')).toEqual([]);
    expect(host.outputs).toEqual([{ call_id: 'call_slow', output: '{"error":"cancelled"}' }]);
  });

  it('flushes right away when the response was already done', async () => {
    const { host, registry, dispatcher, feed } = setup();
    tools(registry, deferred<string>(), []);
    feed(...callEvents(slowCall), responseDone('resp_i', [slowCall]));
    await settle();
    dispatcher.onInterrupt();
    expect(host.log).toEqual(['conversation.item.create']);
  });

  it('cancels, without running, calls of an interrupted response that arrive late', async () => {
    const { host, registry, dispatcher, feed } = setup();
    let quickRuns = 0;
    registry.add(
      defineTool({ name: 'slow', description: '', parameters: { type: 'object' }, execute: () => deferred().promise }),
      defineTool({ name: 'quick', description: '', parameters: { type: 'object' }, execute: () => ++quickRuns }),
    );
    feed(...callEvents(slowCall));
    await settle();
    dispatcher.onInterrupt();
    feed(...callEvents(quickCall), responseDone('resp_i', [slowCall, quickCall], 'cancelled'));
    await settle();
    expect(quickRuns).toBe(0);
    expect(host.outputs.map((output) => output.output)).toEqual(['{"error":"cancelled"}', '{"error":"cancelled"}']);
  });

  it('does not touch a later response', async () => {
    const { host, registry, dispatcher, feed } = setup();
    registry.add(weatherTool());
    dispatcher.onInterrupt();
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.log).toEqual(['conversation.item.create', 'requestResponse']);
  });
});

describe('ToolDispatcher: disconnect', () => {
  it('aborts running calls, sends nothing, and reports every unanswered call', async () => {
    const { host, registry, dispatcher, feed } = setup();
    const contexts: ToolContext[] = [];
    const late = deferred<string>();
    registry.add(
      defineTool({
        name: 'slow',
        description: '',
        parameters: { type: 'object' },
        execute: (_args, context) => {
          contexts.push(context);
          return late.promise;
        },
      }),
      defineTool({ name: 'quick', description: '', parameters: { type: 'object' }, execute: () => 'done' }),
    );
    const slow: CallSpec = { responseId: 'resp_d', itemId: 'fc_s', callId: 'call_s', name: 'slow', arguments: '{}' };
    const quick: CallSpec = { responseId: 'resp_d', itemId: 'fc_q', callId: 'call_q', name: 'quick', arguments: '{}', outputIndex: 1 };
    feed(...callEvents(slow), ...callEvents(quick));
    await settle();
    expect(dispatcher.pendingCalls).toEqual([
      { callId: 'call_s', itemId: 'fc_s', responseId: 'resp_d', name: 'slow', state: 'running' },
      { callId: 'call_q', itemId: 'fc_q', responseId: 'resp_d', name: 'quick', state: 'done' },
    ]);
    host.connected = false;
    const cancelled = dispatcher.onDisconnect();
    expect(cancelled).toEqual([
      { callId: 'call_s', itemId: 'fc_s', responseId: 'resp_d', name: 'slow' },
      { callId: 'call_q', itemId: 'fc_q', responseId: 'resp_d', name: 'quick' },
    ]);
    expect(contexts[0]?.signal.aborted).toBe(true);
    const [error] = host.events('toolError');
    expect(error).toMatchObject({ callId: 'call_s', output: undefined });
    expect(error?.error.code).toBe('VOXWIRE_ABORTED');
    expect(error?.error.message).toBe('Tool call slow (call_s) aborted: the connection closed.');
    expect(dispatcher.pendingCalls).toEqual([]);

    host.connected = true;
    late.resolve('late');
    feed(responseDone('resp_d', [slow, quick]));
    await settle();
    expect(host.log).toEqual([]);
    expect(host.events('toolOutputs')).toEqual([]);
  });

  it('does not request a response when outputs cannot be sent', async () => {
    const { host, registry, feed } = setup();
    registry.add(weatherTool());
    feed(...callEvents(weatherCall));
    await settle();
    host.connected = false;
    feed(responseDone('resp_002', [weatherCall]));
    expect(host.responseRequests).toEqual([]);
  });
});

describe('ToolDispatcher: approval', () => {
  const payCall: CallSpec = { callId: 'call_pay', itemId: 'fc_pay', name: 'pay', arguments: '{"amount": 500}' };

  function payTool(runs: number[], needsApproval: boolean | ((args: { amount: number }) => boolean | Promise<boolean>) = true) {
    return defineTool({
      name: 'pay',
      description: 'Pays.',
      parameters: z.object({ amount: z.number() }),
      needsApproval,
      execute: ({ amount }) => {
        runs.push(amount);
        return { paid: amount };
      },
    });
  }

  it('waits for approve() before running', async () => {
    const { host, registry, feed } = setup();
    const runs: number[] = [];
    let approve: (() => void) | undefined;
    host.onApproval = (request) => {
      expect(request).toMatchObject({ callId: 'call_pay', itemId: 'fc_pay', name: 'pay', args: { amount: 500 } });
      approve = request.approve;
    };
    registry.add(payTool(runs));
    feed(...callEvents(payCall), responseDone('resp_1', [payCall]));
    await settle();
    expect(runs).toEqual([]);
    expect(host.log).toEqual([]);
    approve?.();
    approve?.();
    await settle();
    expect(runs).toEqual([500]);
    expect(host.outputs).toEqual([{ call_id: 'call_pay', output: '{"paid":500}' }]);
    expect(host.emitted.map((entry) => entry.name)).toEqual(['toolApproval', 'toolCall', 'toolResult', 'toolOutputs']);
  });

  it('answers a rejection with a refusal and a toolError', async () => {
    const { host, registry, feed } = setup();
    const runs: number[] = [];
    host.onApproval = (request) => {
      request.reject('over the daily limit');
      request.approve();
    };
    registry.add(payTool(runs));
    feed(...callEvents(payCall), responseDone('resp_1', [payCall]));
    await settle();
    expect(runs).toEqual([]);
    expect(host.outputs).toEqual([{ call_id: 'call_pay', output: '{"error":"The user rejected this call of pay: over the daily limit"}' }]);
    const [error] = host.events('toolError');
    expect(error?.error.code).toBe('VOXWIRE_TOOL_REJECTED');
    expect(error?.args).toEqual({ amount: 500 });
    expect(host.responseRequests).toHaveLength(1);
  });

  it('asks an async predicate with the validated arguments', async () => {
    const { host, registry, feed } = setup();
    const runs: number[] = [];
    const asked: number[] = [];
    host.onApproval = (request) => request.reject();
    registry.add(
      payTool(runs, async ({ amount }) => {
        asked.push(amount);
        return amount > 100;
      }),
    );
    const small: CallSpec = { ...payCall, callId: 'call_small', itemId: 'fc_small', arguments: '{"amount": 5}', outputIndex: 1 };
    feed(...callEvents(payCall), ...callEvents(small), responseDone('resp_1', [payCall, small]));
    await settle();
    expect(asked.sort()).toEqual([5, 500]);
    expect(runs).toEqual([5]);
    expect(host.outputs).toEqual([
      { call_id: 'call_pay', output: '{"error":"The user rejected this call of pay."}' },
      { call_id: 'call_small', output: '{"paid":5}' },
    ]);
  });

  it('rejects when nobody listens to toolApproval, and when the predicate throws', async () => {
    const { host, registry, feed } = setup();
    const runs: number[] = [];
    registry.add(payTool(runs));
    feed(...callEvents(payCall), responseDone('resp_1', [payCall]));
    await settle();
    expect(runs).toEqual([]);
    expect(host.outputs[0]?.output).toBe('{"error":"The call of pay was rejected: it needs approval and the app has no toolApproval listener."}');

    const second = setup();
    second.registry.add(
      payTool(runs, () => {
        throw new Error('policy offline');
      }),
    );
    second.feed(...callEvents(payCall), responseDone('resp_1', [payCall]));
    await settle();
    expect(second.host.events('toolError')[0]?.error.code).toBe('VOXWIRE_TOOL_FAILED');
    expect(second.host.outputs[0]?.output).toBe('{"error":"Tool pay failed: its needsApproval check threw: policy offline"}');
  });

  it('settles a pending approval as cancelled on interrupt; a later approve() does nothing', async () => {
    const { host, registry, dispatcher, feed } = setup();
    const runs: number[] = [];
    let approve: (() => void) | undefined;
    host.onApproval = (request) => {
      approve = request.approve;
    };
    registry.add(payTool(runs));
    feed(...callEvents(payCall));
    await settle();
    dispatcher.onInterrupt();
    approve?.();
    await settle();
    feed(responseDone('resp_1', [payCall], 'cancelled'));
    expect(runs).toEqual([]);
    expect(host.outputs).toEqual([{ call_id: 'call_pay', output: '{"error":"cancelled"}' }]);
    expect(host.events('toolError')[0]?.error.code).toBe('VOXWIRE_ABORTED');
  });
});

describe('ToolDispatcher: dispose', () => {
  it('aborts running calls silently and ignores events afterwards', async () => {
    const { host, registry, dispatcher, feed } = setup();
    const contexts: ToolContext[] = [];
    registry.add(
      defineTool({
        name: 'slow',
        description: '',
        parameters: { type: 'object' },
        execute: (_args, context) => {
          contexts.push(context);
          return deferred().promise;
        },
      }),
      weatherTool(),
    );
    feed(...callEvents({ callId: 'call_s', name: 'slow', arguments: '{}' }));
    await settle();
    const before = host.emitted.length;
    dispatcher.dispose();
    expect(contexts[0]?.signal.aborted).toBe(true);
    feed(...callEvents(weatherCall), responseDone('resp_002', [weatherCall]));
    await settle();
    expect(host.emitted.length).toBe(before);
    expect(host.log).toEqual([]);
  });
});

function withoutResponseFields(call: CallSpec) {
  return { callId: call.callId, itemId: call.itemId, responseId: call.responseId, name: call.name, arguments: call.arguments };
}
