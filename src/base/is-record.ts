/**
 * The one "is this a JSON object" guard of the SDK: an object that is neither `null` nor an
 * array, the shape a parsed event, session or request body has when it has fields to read.
 */

/** True for an object that is not `null` and not an array (a parsed JSON object, a record). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text as an object, or undefined when it is not JSON or not an object (an array, a string...). */
export function parseRecord(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
