import { EventEmitter as EventEmitter3 } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import { EventEmitter } from '../../src/base/emitter';

type Events = { ping: [value: number]; other: [] };

// Every check runs against voxwire's emitter and against eventemitter3 itself: the two must agree.
describe.each([
  ['voxwire', () => new EventEmitter<Events>()],
  ['eventemitter3', () => new EventEmitter3<Events>()],
])('EventEmitter (%s)', (_name, create) => {
  it('calls listeners in order with the arguments, and says whether anyone listened', () => {
    const emitter = create();
    const calls: string[] = [];
    expect(emitter.emit('ping', 1)).toBe(false);
    emitter.on('ping', (value) => calls.push(`a${value}`));
    emitter.addListener('ping', (value) => calls.push(`b${value}`));
    expect(emitter.emit('ping', 7)).toBe(true);
    expect(calls).toEqual(['a7', 'b7']);
    expect(emitter.listenerCount('ping')).toBe(2);
    expect(emitter.eventNames()).toEqual(['ping']);
  });

  it('removes a once listener before calling it, so an emit from inside does not call it again', () => {
    const emitter = create();
    const calls: number[] = [];
    emitter.once('ping', (value) => {
      calls.push(value);
      emitter.emit('ping', value + 1);
    });
    emitter.emit('ping', 1);
    emitter.emit('ping', 5);
    expect(calls).toEqual([1]);
    expect(emitter.listenerCount('ping')).toBe(0);
    expect(emitter.eventNames()).toEqual([]);
  });

  it('does not call a listener added during an emit until the next emit; one removed during it is still called', () => {
    const emitter = create();
    const calls: string[] = [];
    const late = () => calls.push('late');
    const second = () => calls.push('second');
    emitter.on('other', () => {
      calls.push('first');
      emitter.on('other', late);
      emitter.off('other', second);
    });
    emitter.on('other', second);
    emitter.emit('other');
    expect(calls).toEqual(['first', 'second']);
    emitter.emit('other');
    expect(calls).toEqual(['first', 'second', 'first', 'late']);
  });

  it('binds the context, and removes by function, context and once', () => {
    const emitter = create();
    const seen: unknown[] = [];
    function record(this: unknown) {
      seen.push(this);
    }
    const context = { name: 'ctx' };
    emitter.on('other', record, context);
    emitter.on('other', record);
    emitter.once('other', record);
    emitter.emit('other');
    expect(seen).toEqual([context, emitter, emitter]);
    emitter.removeListener('other', record, context);
    expect(emitter.listenerCount('other')).toBe(1);
    emitter.off('other', record, undefined, true);
    expect(emitter.listenerCount('other')).toBe(1);
    emitter.off('other', record);
    expect(emitter.listenerCount('other')).toBe(0);
  });

  it('removes every listener of an event, or of all events', () => {
    const emitter = create();
    const noop = () => undefined;
    emitter.on('ping', noop).on('other', noop);
    expect(emitter.listeners('ping')).toEqual([noop]);
    emitter.removeListener('ping');
    expect(emitter.listenerCount('ping')).toBe(0);
    emitter.on('ping', noop);
    emitter.removeAllListeners('ping');
    expect(emitter.eventNames()).toEqual(['other']);
    emitter.removeAllListeners();
    expect(emitter.eventNames()).toEqual([]);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => create().on('ping', 'nope' as never)).toThrow(TypeError);
  });
});
