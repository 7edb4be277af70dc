/**
 * The demo's one tool. It answers from a small table instead of calling a weather service,
 * so the demo runs offline and gives the same answer every time.
 */
import { z } from 'zod';
import { defineTool } from 'voxwire';

const CANNED_WEATHER: Record<string, { celsius: number; sky: string }> = {
  paris: { celsius: 18, sky: 'sunny' },
  london: { celsius: 14, sky: 'light rain' },
  berlin: { celsius: 16, sky: 'cloudy' },
  tokyo: { celsius: 22, sky: 'clear' },
};

/** `get_weather(location)`: canned data, no network. */
export const getWeather = defineTool({
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  parameters: z.object({ location: z.string().describe('City name, e.g. "Paris"') }),
  async execute({ location }) {
    const known = CANNED_WEATHER[location.trim().toLowerCase()];
    return { location, ...(known ?? { celsius: 20, sky: 'partly cloudy' }), source: 'voxwire demo (canned data)' };
  },
});
