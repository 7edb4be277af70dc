import { describe, expect, it } from 'vitest';
import { LiveTranscript } from '../../src/live/live-transcript';
import type { LiveTranscriptChange } from '../../src/live/live-transcript';
import { FakeClock } from '../helpers/fake-clock';

function transcript(clock = new FakeClock()): { live: LiveTranscript; changes: LiveTranscriptChange[]; clock: FakeClock } {
  const changes: LiveTranscriptChange[] = [];
  const live = new LiveTranscript({ clock, silenceGapMs: 800, inactivityMs: 2000, onChange: (change) => changes.push(change) });
  return { live, changes, clock };
}

const ends = (changes: LiveTranscriptChange[]): Array<[string, string, string | undefined]> =>
  changes.filter((change) => change.kind === 'end').map(({ turn }) => [turn.speaker, turn.text, turn.endReason]);

describe('LiveTranscript: fragments into turns', () => {
  it('joins fragments of one speaker and ends the turn when the other speaker starts after it', () => {
    const { live, changes } = transcript();
    live.add('user', { delta: 'Hi ', start_ms: 0, end_ms: 200 }, 's1');
    live.add('user', { delta: 'there', start_ms: 200, end_ms: 400 }, 's1');
    live.add('assistant', { delta: 'Hello!', start_ms: 600, end_ms: 900 }, 's1');
    expect(ends(changes)).toEqual([['user', 'Hi there', 'speaker_change']]);
    expect(live.turns.map((turn) => [turn.id, turn.speaker, turn.text, turn.startMs, turn.endMs, turn.final])).toEqual([
      ['turn_1', 'user', 'Hi there', 0, 400, true],
      ['turn_2', 'assistant', 'Hello!', 600, 900, false],
    ]);
    expect(changes.filter((change) => change.kind === 'delta').map((change) => change.kind === 'delta' && change.delta)).toEqual(['Hi ', 'there', 'Hello!']);
  });

  it('keeps both turns open while both speak at once (full duplex), and starts a new turn after a silence gap', () => {
    const { live, changes } = transcript();
    live.add('assistant', { delta: 'Let me explain ', start_ms: 0, end_ms: 1000 }, 's1');
    live.add('user', { delta: 'mhm', start_ms: 400, end_ms: 600 }, 's1');
    live.add('assistant', { delta: 'the plan.', start_ms: 1000, end_ms: 1400 }, 's1');
    expect(ends(changes)).toEqual([['user', 'mhm', 'speaker_change']]);
    live.add('assistant', { delta: 'Anything else?', start_ms: 3000, end_ms: 3500 }, 's1');
    expect(ends(changes)).toEqual([
      ['user', 'mhm', 'speaker_change'],
      ['assistant', 'Let me explain the plan.', 'silence'],
    ]);
  });

  it('ends open turns after a stretch with no fragment at all, on the injected clock', async () => {
    const { live, changes, clock } = transcript();
    live.add('user', { delta: 'Hello', start_ms: 0, end_ms: 300 }, 's1');
    await clock.advance(1999);
    expect(ends(changes)).toEqual([]);
    await clock.advance(1);
    expect(ends(changes)).toEqual([['user', 'Hello', 'inactivity']]);
  });

  it('reports what was said since a marker, only the new text of a turn open then', () => {
    const { live } = transcript();
    live.add('user', { delta: 'Book a table ', start_ms: 0, end_ms: 300 }, 's1');
    const marker = live.mark();
    live.add('user', { delta: 'for two.', start_ms: 300, end_ms: 600 }, 's1');
    live.add('assistant', { delta: 'Sure.', start_ms: 800, end_ms: 1000 }, 's1');
    expect(live.since(marker).map((turn) => [turn.speaker, turn.text])).toEqual([
      ['user', 'for two.'],
      ['assistant', 'Sure.'],
    ]);
  });

  it('turns into startup history: newest turns within the budget, after the app prefix, at most 128 messages', () => {
    const { live } = transcript();
    for (let index = 0; index < 200; index += 1) {
      live.add(index % 2 === 0 ? 'user' : 'assistant', { delta: `m${index}`, start_ms: index * 1000, end_ms: index * 1000 + 500 }, 's1');
    }
    const prefix = [{ type: 'message' as const, role: 'developer' as const, content: [{ type: 'input_text' as const, text: 'Context.' }] }];
    const input = live.toInput(1_000_000, prefix);
    expect(input).toHaveLength(128);
    expect(input[0]).toEqual(prefix[0]);
    expect(input.at(-1)).toEqual({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'm199' }] });
    expect(live.toInput(8)).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'm198' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'm199' }] },
    ]);
  });

  it('ends the open turns of a session when fragments of the next session arrive', () => {
    const { live, changes } = transcript();
    live.add('user', { delta: 'One', start_ms: 5000, end_ms: 5200 }, 's1');
    live.add('user', { delta: 'Two', start_ms: 0, end_ms: 200 }, 's2');
    expect(ends(changes)).toEqual([['user', 'One', 'session_end']]);
    expect(live.turns.map((turn) => turn.sessionId)).toEqual(['s1', 's2']);
  });
});
