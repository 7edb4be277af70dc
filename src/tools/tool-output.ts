/**
 * The `output` string of a `function_call_output`: what the model reads back from a tool.
 */

/** The output sent for a call that was aborted in a live session (barge-in, cancel). */
export const CANCELLED_TOOL_OUTPUT = '{"error":"cancelled"}';

/** The outcome of {@link serializeToolResult}. */
export type SerializedToolResult = { ok: true; output: string } | { ok: false; reason: string };

/**
 * Serialises a tool's return value: a string is sent as is, `undefined` (a tool with nothing
 * to report) as `null`, anything else as JSON. A value JSON cannot represent (a BigInt, a
 * cycle, a function) is a failure the caller turns into an error output.
 */
export function serializeToolResult(result: unknown): SerializedToolResult {
  if (typeof result === 'string') return { ok: true, output: result };
  if (result === undefined) return { ok: true, output: 'null' };
  let output: string | undefined;
  try {
    output = JSON.stringify(result);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  // JSON.stringify returns undefined for a bare function or symbol.
  if (output === undefined) return { ok: false, reason: `a ${typeof result} has no JSON form` };
  return { ok: true, output };
}

/** The output that tells the model what went wrong: `{"error":"..."}`. */
export function errorToolOutput(message: string): string {
  return JSON.stringify({ error: message });
}
