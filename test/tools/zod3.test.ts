/**
 * zod 3 at run time (issue 17, obs. 5): a JavaScript app (or one that silenced the types)
 * gets a clear error naming what to pass, before anything connects; zod 4 from the same
 * package (`zod3/v4`, i.e. `zod/v4` of zod 3.25) works.
 */
import { describe, expect, it } from 'vitest';
import { z as z3 } from 'zod3';
import { z as z4FromZod3 } from 'zod3/v4';
import { RealtimeError } from '../../src/base/errors';
import { defineTool, type ToolParameters } from '../../src/tools/define-tool';

describe('defineTool given a zod 3 schema', () => {
  it('throws VOXWIRE_INVALID_ARGUMENT saying it is zod 3 and what to pass instead', () => {
    const parameters = z3.object({ city: z3.string() }) as unknown as ToolParameters;
    let thrown: unknown;
    try {
      defineTool({ name: 'weather', description: '', parameters, execute: () => 'sunny' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RealtimeError);
    expect(thrown).toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT' });
    const { message } = thrown as RealtimeError;
    expect(message).toContain('defineTool("weather")');
    expect(message).toContain('zod 3 schema');
    expect(message).toContain('zod 4 schema (zod >= 4');
    expect(message).toContain('zod/mini');
    expect(message).toContain('plain JSON Schema');
  });

  it('works with zod 4 from the zod 3.25 package (zod/v4), declaring and validating', async () => {
    const tool = defineTool({
      name: 'weather',
      description: '',
      parameters: z4FromZod3.object({ city: z4FromZod3.string() }),
      execute: ({ city }) => city,
    });
    await tool.prepare(); // zod 4.0 has no Standard JSON Schema: zod's converter loads on demand
    expect(tool.parameters).toMatchObject({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
    await expect(tool.parseArguments('{"city":"Paris"}')).resolves.toEqual({ ok: true, args: { city: 'Paris' } });
    await expect(tool.parseArguments('{"city":1}')).resolves.toMatchObject({ ok: false });
  });
});
