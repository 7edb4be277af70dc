/**
 * A zod 3 schema type-checked in `parameters`, then threw at run time (issue 17, obs. 5). The
 * types now refuse it with a message saying what to pass; zod 4 (classic, mini, and zod 3.25's
 * bundled `zod3/v4`) still fits.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z as z3 } from 'zod3';
import { z as z4FromZod3 } from 'zod3/v4';
import { z } from 'zod';
import { defineTool, type RejectZod3 } from '../../src/tools/define-tool';

describe('defineTool and zod 3', () => {
  it('refuses a zod 3 schema at compile time, naming what to pass', () => {
    const schema = z3.object({ city: z3.string() });
    expectTypeOf<RejectZod3<typeof schema>>().toEqualTypeOf<
      'A zod 3 schema cannot describe itself as JSON Schema: pass a zod 4 schema (zod >= 4, or zod/mini), or a plain JSON Schema object as parameters'
    >();
    defineTool({
      name: 'weather',
      description: '',
      // @ts-expect-error: zod 3 has no JSON Schema; the error names zod 4, zod/mini or a JSON Schema.
      parameters: schema,
      execute: () => 'sunny',
    });
  });

  it('accepts zod 4 (classic, and the copy zod 3.25 ships as zod/v4) and infers the arguments', () => {
    expectTypeOf<RejectZod3<ReturnType<typeof z.object>>>().toEqualTypeOf<unknown>();
    defineTool({
      name: 'weather',
      description: '',
      parameters: z4FromZod3.object({ city: z4FromZod3.string() }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string }>();
      },
    });
    defineTool({
      name: 'weather',
      description: '',
      parameters: z.object({ city: z.string() }),
      execute: (args) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string }>();
      },
    });
  });
});
