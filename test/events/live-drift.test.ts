/**
 * Drift between the `openai` package's GPT-Live types (`resources/live/`) and our Live runtime
 * schemas: every event of `ClientEvent` / `ServerEvent` (and the sideband unions), every field
 * to the leaves, and the session configs. Upgrading `openai` to a version with a Live event or
 * field we do not know fails here, naming it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import {
  liveClientEventSchemas,
  liveForkSessionConfigSchema,
  liveServerEventSchemas,
  liveSessionConfigSchema,
  liveSessionResourceSchema,
  liveSessionUpdateSchema,
} from '../../src/events/live';
import { dtsDrift } from './dts-drift';
import type { Schema } from './dts-drift';

const require = createRequire(import.meta.url);
const liveDts = join(dirname(require.resolve('openai/resources/live/live')), 'live.d.ts');
const sidebandDts = join(dirname(liveDts), 'sideband', 'sideband.d.ts');
const live = dtsDrift(liveDts);

/**
 * What the Live service hands to another API, which validates it: hosted Responses tools
 * (web search, MCP, shell, ...) and Responses input items other than a function call output.
 * Our schemas pass these through whole (an open union's generic member), so the walk reports
 * their variants as not modelled; everything else must be.
 */
const PASSED_THROUGH = [
  /\.responses\.tools\(type (?!function\))[a-z_]+\): variant missing$/,
  /^response\.item\.create\.item\(type (?!function_call_output\))[a-z_]+\): variant missing$/,
];
const modelled = (problems: string[]) => problems.filter((problem) => !PASSED_THROUGH.some((pattern) => pattern.test(problem)));
const sideband = dtsDrift(sidebandDts, [liveDts]);

describe('drift: the openai Live types describe nothing our Live schemas do not know', () => {
  it('reads the Live unions (the walk itself works)', () => {
    expect(live.unionMembers('ServerEvent').size).toBe(28);
    expect(live.unionMembers('ClientEvent').size).toBe(15);
    const partial = {
      'session.closed': z.looseObject({ type: z.literal('session.closed'), reason: z.string() }),
    } as Record<string, Schema>;
    const problems = live.drift('ServerEvent', partial);
    expect(problems).toContain('session.closed.usage: missing');
    expect(problems).toContain('session.started: event type missing');
    // Only hosted tools and non-function items are let through; a function tool field is not.
    expect(modelled(['session.start.session.delegation(type responses).responses.tools(type mcp): variant missing'])).toEqual([]);
    expect(modelled(['session.start.session.delegation(type responses).responses.tools(type function).strict: missing'])).toHaveLength(1);
    expect(modelled(['response.item.create.item(type function_call_output): variant missing'])).toHaveLength(1);
  });

  it('every server event type and field, primary and sideband', () => {
    expect(live.drift('ServerEvent', liveServerEventSchemas as Record<string, Schema>)).toEqual([]);
    expect(sideband.drift('ConnectServerEvent', liveServerEventSchemas as Record<string, Schema>)).toEqual([]);
  });

  it('every client event type and field, primary and sideband', () => {
    expect(modelled(live.drift('ClientEvent', liveClientEventSchemas as Record<string, Schema>))).toEqual([]);
    expect(modelled(sideband.drift('ConnectClientEvent', liveClientEventSchemas as Record<string, Schema>))).toEqual([]);
  });

  it('the session configs: start, update, fork, and the resource the server reports', () => {
    const check = (name: string, schema: Schema) => live.missing(live.namedType(liveDts, name), [schema], name, 0, new Set());
    expect(modelled([
      ...check('SessionConfig', liveSessionConfigSchema),
      ...check('MediaSessionConfig', liveSessionConfigSchema),
      ...check('SessionUpdateConfig', liveSessionUpdateSchema),
      ...check('ForkSessionConfig', liveForkSessionConfigSchema),
      ...check('SessionResource', liveSessionResourceSchema),
    ])).toEqual([]);
  });
});
