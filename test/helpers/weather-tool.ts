/**
 * The GPT-Live tests' function tool: `get_weather` for a `location`, answering sunny and 18 °C
 * (`{"location":…,"sky":"sunny","celsius":18}`, the output the Live scenarios and assertions
 * expect). One definition for the Node tests and the Chromium Live page (which bundles this
 * module, so it imports nothing Node-only).
 */
import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool';

/** `get_weather`; `onCall` sees each location it is asked for, before it answers. */
export function weatherTool(onCall: (location: string) => void = () => undefined) {
  return defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ location: z.string() }),
    execute: async ({ location }) => {
      onCall(location);
      return { location, sky: 'sunny', celsius: 18 };
    },
  });
}
