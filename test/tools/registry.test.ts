import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { DEFAULT_TOOLS_SYNC_DEBOUNCE_MS } from '../../src/base/defaults';
import { RealtimeError } from '../../src/base/errors';
import { defineTool, type AnyTool } from '../../src/tools/define-tool';
import { ToolRegistry } from '../../src/tools/registry';
import { FakeClock } from './fakes';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city.',
  parameters: z.object({ location: z.string() }),
  execute: ({ location }) => `Sunny in ${location}`,
});
const time = defineTool({ name: 'get_time', description: 'The time.', parameters: z.object({}), execute: () => '12:00' });

describe('ToolRegistry', () => {
  it('adds, lists, gets and removes tools', () => {
    const registry = new ToolRegistry({ clock: new FakeClock() });
    expect(registry.add(weather, time)).toBe(registry);
    expect(registry.size).toBe(2);
    expect(registry.list()).toEqual([weather, time]);
    expect(registry.get('get_time')).toBe(time);
    expect(registry.has('get_weather')).toBe(true);
    expect(registry.remove('get_weather')).toBe(true);
    expect(registry.remove('get_weather')).toBe(false);
    expect(registry.has('get_weather')).toBe(false);
    registry.clear();
    expect(registry.size).toBe(0);
  });

  it('replaces a tool with the same name', () => {
    const registry = new ToolRegistry({ clock: new FakeClock() });
    const newer = defineTool({ name: 'get_weather', description: 'Newer.', parameters: { type: 'object' }, execute: () => 'x' });
    registry.add(weather, time).add(newer);
    expect(registry.list()).toEqual([newer, time]);
  });

  it('declares the GA session tools', () => {
    const registry = new ToolRegistry({ tools: [weather] });
    expect(registry.toSessionTools()).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather for a city.',
        parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
    ]);
  });

  it('refuses something that is not a tool, changing nothing', () => {
    const registry = new ToolRegistry({ clock: new FakeClock() });
    const bad = { name: 'x' } as unknown as AnyTool;
    let error: unknown;
    try {
      registry.add(weather, bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect((error as RealtimeError).message).toBe('tools.add(): expected a tool made with defineTool(), got an object named "x".');
    expect(registry.size).toBe(0);
  });

  it('notifies once per burst of changes, after the debounce', () => {
    const clock = new FakeClock();
    const registry = new ToolRegistry({ clock });
    const listener = vi.fn();
    registry.onChange(listener);
    registry.add(weather);
    clock.advance(DEFAULT_TOOLS_SYNC_DEBOUNCE_MS - 1);
    registry.add(time);
    registry.remove('get_time');
    registry.add(time);
    expect(listener).not.toHaveBeenCalled();
    clock.advance(DEFAULT_TOOLS_SYNC_DEBOUNCE_MS);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]?.[0].map((tool: { name: string }) => tool.name)).toEqual(['get_weather', 'get_time']);
    registry.remove('get_time');
    clock.advance(DEFAULT_TOOLS_SYNC_DEBOUNCE_MS);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(listener.mock.calls[1]?.[0].map((tool: { name: string }) => tool.name)).toEqual(['get_weather']);
  });

  it('stays quiet when a burst changes nothing, and for initial tools', () => {
    const clock = new FakeClock();
    const registry = new ToolRegistry({ clock, tools: [weather], syncDebounceMs: 10 });
    const listener = vi.fn();
    registry.onChange(listener);
    registry.add(time);
    registry.remove('get_time');
    registry.add(weather);
    clock.advance(100);
    expect(listener).not.toHaveBeenCalled();
  });

  it('flushes a pending change on demand; unsubscribe and dispose stop notifications', () => {
    const clock = new FakeClock();
    const registry = new ToolRegistry({ clock });
    const listener = vi.fn();
    const unsubscribe = registry.onChange(listener);
    registry.add(weather);
    registry.flushChanges();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(clock.pending).toBe(0);
    registry.flushChanges();
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    registry.add(time);
    clock.advance(100);
    expect(listener).toHaveBeenCalledTimes(1);

    const other = vi.fn();
    registry.onChange(other);
    registry.remove('get_time');
    registry.dispose();
    expect(clock.pending).toBe(0);
    clock.advance(100);
    expect(other).not.toHaveBeenCalled();
    expect(registry.has('get_weather')).toBe(true);
  });

  it('prepares zod mini schemas before declaring them', async () => {
    const add = defineTool({ name: 'add', description: 'Adds.', parameters: zm.object({ a: zm.number(), b: zm.number() }), execute: () => 0 });
    const registry = new ToolRegistry({ tools: [weather, add] });
    await registry.prepare();
    expect(registry.toSessionTools().map((tool) => tool.parameters)).toEqual([
      { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    ]);
  });

  it('notifies with converted zod mini schemas, and reports one zod cannot convert to onError', async () => {
    const clock = new FakeClock();
    const registry = new ToolRegistry({ clock });
    const listener = vi.fn();
    const onError = vi.fn();
    registry.onChange(listener, onError);
    registry.add(defineTool({ name: 'add', description: '', parameters: zm.object({ a: zm.number() }), execute: () => 0 }));
    clock.advance(DEFAULT_TOOLS_SYNC_DEBOUNCE_MS);
    await vi.waitFor(() => expect(listener).toHaveBeenCalledTimes(1));
    expect(listener.mock.calls[0]?.[0]).toEqual([
      { type: 'function', name: 'add', description: '', parameters: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] } },
    ]);

    registry.add(defineTool({ name: 'when', description: '', parameters: zm.object({ at: zm.date() }), execute: () => 0 }));
    clock.advance(DEFAULT_TOOLS_SYNC_DEBOUNCE_MS);
    await vi.waitFor(() => expect(onError).toHaveBeenCalledTimes(1));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(RealtimeError);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT', message: expect.stringMatching(/^defineTool\("when"\): `parameters` cannot be converted/) });
    await expect(registry.prepare()).rejects.toBe(onError.mock.calls[0]?.[0]);

    // Removing the broken tool declares what is left.
    registry.remove('when');
    clock.advance(DEFAULT_TOOLS_SYNC_DEBOUNCE_MS);
    await vi.waitFor(() => expect(listener).toHaveBeenCalledTimes(2));
    expect(listener.mock.calls[1]?.[0].map((tool: { name: string }) => tool.name)).toEqual(['add']);
  });

  it('refuses a negative debounce', () => {
    expect(() => new ToolRegistry({ syncDebounceMs: -1 })).toThrow('ToolRegistry: `syncDebounceMs` must be a number >= 0, got -1.');
  });
});
