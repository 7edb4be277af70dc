import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../../../src/base/errors';
import { createScenario, defineScenario, isUsableCloseCode } from '../../../src/testing/script/scenario';
import type { Scenario } from '../../../src/testing/script/scenario';
import { ScenarioCursor } from '../../../src/testing/script/scenario-cursor';

describe('createScenario', () => {
  it('builds the same plain data one would write by hand', () => {
    const pcm = new Int16Array(480);
    const built = createScenario('weather')
      .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }, { callId: 'call_1' }).calls('get_time'))
      .turn((t) => t.plays('reply-weather').dropsAfter('response.output_audio.delta', 5))
      .turn((t) => t.says('Sorry?', pcm).delays({ beforeResponseMs: 300 }).delays({ perDeltaMs: 10 }).usage({ outputAudioTokens: 7 }))
      .turn((t) => t.fails({ code: 'rate_limit_exceeded', message: 'Slow down' }))
      .turn((t) => t.says('Capped').incomplete().dropsBefore('response.done', 1, { code: 4000, reason: 'drain' }))
      .turn({ user: 'plain' })
      .expireAfter(60_000)
      .strict()
      .build();
    const expected: Scenario = {
      name: 'weather',
      turns: [
        {
          user: "What's the weather like in Paris today?",
          reply: { functionCalls: [{ name: 'get_weather', arguments: { location: 'Paris' }, callId: 'call_1' }, { name: 'get_time', arguments: {} }] },
        },
        { reply: { audio: 'reply-weather' }, drop: { after: 'response.output_audio.delta', count: 5 } },
        { reply: { text: 'Sorry?', audio: pcm, usage: { outputAudioTokens: 7 } }, latency: { beforeResponseMs: 300, perDeltaMs: 10 } },
        { error: { code: 'rate_limit_exceeded', message: 'Slow down' } },
        { reply: { text: 'Capped', incomplete: true }, drop: { before: 'response.done', count: 1, code: 4000, reason: 'drain' } },
        { user: 'plain' },
      ],
      expireAfterMs: 60_000,
      whenExhausted: 'error',
    };
    expect(built).toEqual(expected);
    expect(built.turns[2]!.reply!.audio).toBe(pcm);
  });

  it('copies turns so later builder calls do not change a built scenario', () => {
    const builder = createScenario().turn((t) => t.says('one'));
    const first = builder.build();
    builder.turn((t) => t.says('two'));
    expect(first.turns).toHaveLength(1);
  });
});

describe('defineScenario', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 5, /must be an object/],
    ['no turns', {}, /turns must be an array/],
    ['a turn that is not an object', { turns: [null] }, /turns\[0\] must be an object/],
    ['reply and error', { turns: [{ reply: {}, error: { message: 'x' } }] }, /both reply and error/],
    ['a call without a name', { turns: [{ reply: { functionCalls: [{ arguments: {} }] } }] }, /functionCalls\[0\] needs a non-empty string name/],
    ['arguments of the wrong type', { turns: [{ reply: { functionCalls: [{ name: 'f', arguments: 5 }] } }] }, /arguments must be an object/],
    ['audio of the wrong type', { turns: [{ reply: { audio: 5 } }] }, /reply\.audio must be a fixture name/],
    ['a drop with both ends', { turns: [{ drop: { after: 'a', before: 'b' } }] }, /exactly one of/],
    ['a drop count of 0', { turns: [{ drop: { after: 'a', count: 0 } }] }, /count must be a whole number >= 1/],
    ['a reserved close code', { turns: [{ drop: { after: 'a', code: 1005 } }] }, /drop\.code must be 1006 or/],
    ['a negative latency', { turns: [{ latency: { perDeltaMs: -1 } }] }, /perDeltaMs must be a non-negative/],
    ['a negative expiry', { turns: [], expireAfterMs: -5 }, /expireAfterMs/],
    ['an unknown whenExhausted', { turns: [], whenExhausted: 'loop' }, /whenExhausted/],
  ];
  for (const [what, scenario, message] of bad) {
    it(`refuses ${what}`, () => {
      let caught: unknown;
      try {
        defineScenario(scenario as Scenario);
      } catch (error) {
        caught = error;
      }
      expect(isRealtimeError(caught, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
      expect((caught as Error).message).toMatch(message);
    });
  }

  it('knows which close codes a server may send', () => {
    expect([1000, 1001, 1006, 1011, 3000, 4000, 4999].every(isUsableCloseCode)).toBe(true);
    expect([999, 1004, 1005, 1015, 2999, 5000].some(isUsableCloseCode)).toBe(false);
  });
});

describe('ScenarioCursor', () => {
  it('hands out turns in order, peeks without taking, and reports exhaustion', () => {
    const cursor = new ScenarioCursor({ turns: [{ user: 'a' }, { user: 'b' }] });
    expect(cursor.peek()).toEqual({ user: 'a' });
    expect(cursor.take()).toEqual({ turn: { user: 'a' }, index: 0, exhaustedStrict: false });
    expect(cursor.take().index).toBe(1);
    expect(cursor.take()).toEqual({ turn: undefined, index: -1, exhaustedStrict: false });
    expect(cursor).toMatchObject({ used: 2, remaining: 0 });
    cursor.reset({ turns: [], whenExhausted: 'error' });
    expect(cursor.take().exhaustedStrict).toBe(true);
    cursor.reset(undefined);
    expect(cursor.take().exhaustedStrict).toBe(false);
  });
});
