/**
 * Turning the model's `arguments` string into a tool's typed arguments: JSON-parse, then
 * validate with the tool's Standard Schema. Never throws: a failure is an answer the model
 * gets back, so it can correct itself.
 */
import type { StandardSchemaV1 } from './standard-schema';

/** The outcome of parsing a tool call's arguments (`Tool.parseArguments`). */
export type ToolArgumentsResult<Args> =
  | {
      /** The arguments parsed and passed validation. */
      ok: true;
      /** The validated arguments. */
      args: Args;
    }
  | {
      /** The arguments did not parse or failed validation. */
      ok: false;
      /** `json`: the string is not a JSON object; `schema`: it failed validation. */
      reason: 'json' | 'schema';
      /** One line per problem, e.g. `location: Invalid input: expected string, received number`. */
      issues: string[];
    };

/**
 * Parses and validates a function call's `arguments`. An empty string counts as `{}` (some
 * models send it for a function without parameters). Without a validator (plain JSON Schema)
 * any JSON object is accepted as is.
 */
export async function parseToolArguments<Args>(
  argumentsJson: string,
  validator: StandardSchemaV1<unknown, Args> | undefined,
): Promise<ToolArgumentsResult<Args>> {
  let value: unknown;
  try {
    value = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
  } catch (error) {
    return { ok: false, reason: 'json', issues: [`arguments are not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'json', issues: [`arguments must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`] };
  }
  if (!validator) return { ok: true, args: value as Args };
  let result: StandardSchemaV1.Result<Args>;
  try {
    result = await validator['~standard'].validate(value);
  } catch (error) {
    return { ok: false, reason: 'schema', issues: [`the validator threw: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (result.issues) return { ok: false, reason: 'schema', issues: result.issues.map(formatIssue) };
  return { ok: true, args: result.value };
}

/** `location: Required` style, or the bare message for an issue at the root. */
function formatIssue(issue: StandardSchemaV1.Issue): string {
  const path = (issue.path ?? [])
    .map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment))
    .map((key) => (typeof key === 'number' ? `[${key}]` : String(key)))
    .join('.')
    .replace(/\.\[/g, '[');
  return path ? `${path}: ${issue.message}` : issue.message;
}
