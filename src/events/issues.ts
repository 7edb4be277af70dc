/**
 * Turns zod issues into one message that says which field failed, what it expected, what it
 * got, and (for shapes from the retired beta protocol) what GA calls it. zod/mini ships no
 * locale, so the SDK writes its own messages and never touches the app's zod config.
 */
import type * as z from 'zod/mini';

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** A validation failure reduced to what an error needs: a message and the offending path. */
export interface IssueSummary {
  /** Human-readable description of the first problem (and how many more there are). */
  message: string;
  /** Dotted path of the offending field (`session.audio.output.voice`), `''` for the root. */
  path: string;
}

/**
 * Beta (`realtime=v1`) session and response fields and where GA moved them, relative to the
 * `session` / `response` object. `null` means GA has no such field.
 */
export const BETA_FIELD_RENAMES: Readonly<Record<string, string | null>> = {
  modalities: 'output_modalities',
  voice: 'audio.output.voice',
  input_audio_format: 'audio.input.format',
  output_audio_format: 'audio.output.format',
  input_audio_transcription: 'audio.input.transcription',
  input_audio_noise_reduction: 'audio.input.noise_reduction',
  turn_detection: 'audio.input.turn_detection',
  speed: 'audio.output.speed',
  max_response_output_tokens: 'max_output_tokens',
  temperature: null,
};

/** Beta content part types and their GA names. */
const BETA_CONTENT_TYPES: Readonly<Record<string, string>> = { text: 'output_text', audio: 'output_audio' };

/** Beta audio format strings and the GA format objects that replace them. */
const BETA_AUDIO_FORMATS: Readonly<Record<string, string>> = {
  pcm16: "{ type: 'audio/pcm', rate: 24000 }",
  g711_ulaw: "{ type: 'audio/pcmu' }",
  g711_alaw: "{ type: 'audio/pcma' }",
};

const EXPECTED_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  null: 'null',
  never: 'nothing (this field is not allowed)',
};

/** Formats a path as `session.tools[0].name`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** The message of a thrown value, without trusting it (its `message` or `toString` may throw). */
export function describeError(cause: unknown): string {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'unreadable error';
  }
}

/** A short, safe description of a received value: never dumps a huge string or deep object. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} chars)` : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function quoteValues(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value)));
  return shown.length === 1 ? (shown[0] ?? '') : `one of ${shown.join(', ')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function missingHint(path: readonly PathSegment[]): string {
  if (formatPath(path) === 'session.type') {
    return '; GA requires it, and normalizeSessionConfig() fills it in and translates beta fields';
  }
  return '';
}

function lastKey(path: readonly PathSegment[]): PathSegment | undefined {
  return path[path.length - 1];
}

function renameHint(parentPath: readonly PathSegment[], key: string): string {
  const parent = lastKey(parentPath);
  if (parentPath.length !== 1 || (parent !== 'session' && parent !== 'response')) return '';
  if (!Object.hasOwn(BETA_FIELD_RENAMES, key)) return '';
  const renamed = BETA_FIELD_RENAMES[key];
  if (renamed === null) return ` (GA has no \`${key}\`; remove it)`;
  return ` (GA uses \`${formatPath([...parentPath, renamed ?? key])}\`)`;
}

function valueHint(path: readonly PathSegment[], received: unknown): string {
  if (typeof received !== 'string') return '';
  const key = lastKey(path);
  const contentType = path.length >= 3 && key === 'type' && path[path.length - 3] === 'content';
  if (contentType && Object.hasOwn(BETA_CONTENT_TYPES, received)) return ` (GA uses '${BETA_CONTENT_TYPES[received]}')`;
  if (key === 'format' && Object.hasOwn(BETA_AUDIO_FORMATS, received)) return ` (GA uses ${BETA_AUDIO_FORMATS[received]})`;
  return '';
}

/** Depth of the deepest issue inside an issue (unions nest their branches' issues). */
function issueDepth(issue: Issue): number {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return issue.path.length + Math.max(0, ...issue.errors.map((branch) => Math.max(0, ...branch.map(issueDepth))));
  }
  return issue.path.length;
}

/** Picks the union branch that got furthest before failing: its issue explains the most. */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestScore = -1;
  for (const branch of branches) {
    if (branch.length === 0) continue;
    const depth = Math.max(...branch.map(issueDepth));
    // Fewer issues at the same depth means a closer match.
    const score = depth * 1000 - branch.length;
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function expectation(issue: Issue): string | undefined {
  if (issue.code === 'invalid_type') return EXPECTED_WORDS[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_value') return quoteValues(issue.values);
  return undefined;
}

function describeIssue(issue: Issue, prefix: readonly PathSegment[]): { text: string; path: readonly PathSegment[] } {
  const path = [...prefix, ...issue.path];
  const where = formatPath(path);
  const field = where === '' ? 'the event' : `\`${where}\``;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((key) => `\`${formatPath([...path, key])}\`${renameHint(path, key)}`).join(', ');
      return { text: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`, path: [...path, issue.keys[0] ?? ''] };
    }
    case 'invalid_type': {
      if (issue.input === undefined) {
        return { text: `missing field ${field} (expected ${EXPECTED_WORDS[issue.expected] ?? issue.expected})`, path };
      }
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      return { text: `${field} must be ${expected}, got ${describeValue(issue.input)}${valueHint(path, issue.input)}`, path };
    }
    case 'invalid_value':
      if (issue.input === undefined) return { text: `missing field ${field} (expected ${quoteValues(issue.values)})`, path };
      return {
        text: `${field} must be ${quoteValues(issue.values)}, got ${describeValue(issue.input)}${valueHint(path, issue.input)}`,
        path,
      };
    case 'invalid_union': {
      if (issue.discriminator !== undefined && issue.errors.length === 0) {
        const options = 'options' in issue && issue.options ? issue.options : [];
        // The issue's input is the object; the value that failed is its discriminator.
        const received = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
        if (received === undefined) {
          return { text: `missing field ${field} (expected ${quoteValues(options)})${missingHint(path)}`, path };
        }
        return {
          text: `${field} must be ${quoteValues(options)}, got ${describeValue(received)}${valueHint(path, received)}`,
          path,
        };
      }
      // When every branch fails on the value itself (a number where a string or an object is
      // expected), list what each branch wanted instead of picking one.
      const atRoot = issue.errors.every((branch) => branch.length === 1 && branch[0]?.path.length === 0);
      if (atRoot) {
        const wanted = issue.errors.map((branch) => (branch[0] ? expectation(branch[0]) : undefined));
        if (wanted.every((word) => word !== undefined)) {
          const unique = [...new Set(wanted)];
          if (issue.input === undefined) return { text: `missing field ${field} (expected ${unique.join(' or ')})`, path };
          return {
            text: `${field} must be ${unique.join(' or ')}, got ${describeValue(issue.input)}${valueHint(path, issue.input)}`,
            path,
          };
        }
      }
      const branch = bestBranch(issue.errors);
      const first = branch?.[0];
      if (first) return describeIssue(first, path);
      return { text: `${field} matches none of the allowed shapes`, path };
    }
    case 'too_small':
      return {
        text: `${field} must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${
          issue.origin === 'array' || issue.origin === 'string' ? ' in length' : ''
        }, got ${describeValue(issue.input)}`,
        path,
      };
    case 'too_big':
      return {
        text: `${field} must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${
          issue.origin === 'array' || issue.origin === 'string' ? ' in length' : ''
        }, got ${describeValue(issue.input)}`,
        path,
      };
    default:
      return { text: `${field} is invalid (${issue.code})`, path };
  }
}

/**
 * Summarises zod issues (parsed with `reportInput: true`) as one message naming the first
 * offending field and its fix.
 */
export function summarizeIssues(issues: readonly Issue[]): IssueSummary {
  const first = issues[0];
  if (!first) return { message: 'invalid event', path: '' };
  const { text, path } = describeIssue(first, []);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return { message: `${text}${more}`, path: formatPath(path) };
}
