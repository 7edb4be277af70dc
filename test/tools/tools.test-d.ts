import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import type { ClientEventInput } from '../../src/events/client-events';
import type { FunctionTool } from '../../src/events/tools';
import { defineTool, type AnyTool, type InferToolArgs, type Tool } from '../../src/tools/define-tool';
import type { ToolHost } from '../../src/tools/dispatcher';
import { ToolRegistry, type SessionFunctionTool } from '../../src/tools/registry';
import type { StandardSchemaV1 } from '../../src/tools/standard-schema';
import type { ToolContext } from '../../src/tools/tool-context';
import type { ToolEventMap, ToolEvents } from '../../src/tools/tool-events';

describe('defineTool infers execute’s arguments', () => {
  it('from a zod classic schema (output type: defaults applied)', () => {
    const tool = defineTool({
      name: 'get_weather',
      description: '',
      parameters: z.object({ location: z.string(), unit: z.enum(['c', 'f']).default('c'), days: z.number().optional() }),
      execute: (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{ location: string; unit: 'c' | 'f'; days?: number | undefined }>();
        expectTypeOf(context).toEqualTypeOf<ToolContext>();
        return args.location;
      },
    });
    expectTypeOf(tool).toEqualTypeOf<Tool<{ location: string; unit: 'c' | 'f'; days?: number | undefined }>>();
  });

  it('from a zod mini schema', () => {
    defineTool({
      name: 'add',
      description: '',
      parameters: zm.object({ a: zm.number(), b: zm.optional(zm.number()) }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ a: number; b?: number | undefined }>();
      },
    });
  });

  it('from any Standard Schema (with its JSON Schema)', () => {
    const schema = {} as StandardSchemaV1<{ city: string }, { city: string; country: string }>;
    defineTool({
      name: 'find_city',
      description: '',
      parameters: schema,
      jsonSchema: { type: 'object' },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; country: string }>();
      },
    });
  });

  it('as Record<string, unknown> from a plain JSON Schema', () => {
    defineTool({
      name: 'echo',
      description: '',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
      },
    });
    expectTypeOf<InferToolArgs<{ type: 'object' }>>().toEqualTypeOf<Record<string, unknown>>();
  });

  it('types needsApproval’s predicate with the same arguments', () => {
    defineTool({
      name: 'pay',
      description: '',
      parameters: z.object({ amount: z.number() }),
      needsApproval: async (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{ amount: number }>();
        expectTypeOf(context.callId).toEqualTypeOf<string>();
        return args.amount > 100;
      },
      execute: () => undefined,
    });
  });

  it('rejects wrong uses', () => {
    defineTool({
      name: 'w',
      description: '',
      parameters: z.object({ location: z.string() }),
      // @ts-expect-error `location` is a string
      execute: (args: { location: number }) => args,
    });
    // @ts-expect-error description is required
    defineTool({ name: 'w', parameters: { type: 'object' }, execute: () => 1 });
    // @ts-expect-error timeoutMs is a number
    defineTool({ name: 'w', description: '', parameters: { type: 'object' }, execute: () => 1, timeoutMs: '5s' });
  });
});

describe('registry and host types', () => {
  it('holds tools of any argument type', () => {
    const weather = defineTool({ name: 'w', description: '', parameters: z.object({ location: z.string() }), execute: () => 1 });
    const registry = new ToolRegistry();
    registry.add(weather, defineTool({ name: 'e', description: '', parameters: { type: 'object' }, execute: () => 1 }));
    expectTypeOf(registry.get('w')).toEqualTypeOf<AnyTool | undefined>();
    expectTypeOf(registry.toSessionTools()).toEqualTypeOf<SessionFunctionTool[]>();
    // The declared tools fit the session's `tools` field of the wire schema.
    expectTypeOf<SessionFunctionTool>().toExtend<FunctionTool>();
  });

  it('has a host a client can implement with eventemitter3-style emit', () => {
    expectTypeOf<ToolHost['sendEvent']>().parameter(0).toEqualTypeOf<ClientEventInput>();
    expectTypeOf<ToolEvents['toolResult']>().toEqualTypeOf<[event: ToolEventMap['toolResult']]>();
    expectTypeOf<ToolEventMap['toolApproval']['reject']>().toEqualTypeOf<(reason?: string) => void>();
  });
});
