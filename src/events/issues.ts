/**
 * Turns validation issues into one message that says which field failed, what it expected,
 * what it got, and (for shapes from the retired beta protocol) what GA calls it. The issues
 * come from the generated validators (`./check.ts`), which report exactly what zod would; zod's
 * own issues fit the same type, so the mock server explains its zod failures with it too. zod
 * ships no locale in zod/mini, so the SDK writes its own messages and never touches the app's
 * zod config.
 */

type PathSegment = PropertyKey;

/**
 * One validation problem, in zod's issue format (the fields the messages use). zod/mini's
 * `$ZodIssue` is assignable to it.
 */
export interface Issue {
  /** zod's issue code: `invalid_type`, `invalid_value`, `unrecognized_keys`, `invalid_union`, ... */
  readonly code: string;
  /** Where, relative to the value validated (or, inside a union's `errors`, to the union). */
  readonly path: PropertyKey[];
  /** The offending value (`undefined` for a missing field). */
  readonly input?: unknown;
  /** `invalid_type`: the kind expected (`string`, `object`, `int`, `nonoptional`, ...). */
  readonly expected?: string;
  /** `invalid_value`: the values allowed. */
  readonly values?: readonly unknown[];
  /** `unrecognized_keys`: the unknown keys. */
  readonly keys?: readonly string[];
  /** `invalid_union`: each option's issues (empty when no discriminator matched). */
  readonly errors?: readonly (readonly Issue[])[];
  /** `invalid_union` of a discriminated union: the discriminator key. */
  readonly discriminator?: string;
  /** `invalid_union` of a discriminated union: the tags it accepts. */
  readonly options?: readonly unknown[];
  /** `invalid_union` of a discriminated union: zod's note. */
  readonly note?: string;
  /** `too_small`: the bound. */
  readonly minimum?: number | bigint;
  /** `too_big`: the bound. */
  readonly maximum?: number | bigint;
  /** `too_small` / `too_big`: whether the bound itself is allowed. */
  readonly inclusive?: boolean;
  /** `too_small` / `too_big` / `invalid_key`: what kind of value the bound applies to. */
  readonly origin?: string;
  /** `invalid_format`: the format (`regex`). */
  readonly format?: string;
  /** `invalid_format` of a regex: the pattern. */
  readonly pattern?: string;
  /** zod's abort flag: `true` for issues after which validation went on (unknown keys, bounds). */
  readonly continue?: boolean;
}

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
  if (issue.code === 'invalid_union' && issue.errors !== undefined && issue.errors.length > 0) {
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

function expectedWords(issue: Issue): string {
  const expected = issue.expected ?? 'a valid value';
  return EXPECTED_WORDS[expected] ?? expected;
}

function expectation(issue: Issue): string | undefined {
  if (issue.code === 'invalid_type') return expectedWords(issue);
  if (issue.code === 'invalid_value') return quoteValues(issue.values ?? []);
  return undefined;
}

/** `missing field \`x\` (expected …)`, or `\`x\` must be …, got …` with the GA hint for a beta value. */
function mismatch(field: string, path: readonly PathSegment[], wanted: string, received: unknown, missing = ''): string {
  if (received === undefined) return `missing field ${field} (expected ${wanted})${missing}`;
  return `${field} must be ${wanted}, got ${describeValue(received)}${valueHint(path, received)}`;
}

function describeIssue(issue: Issue, prefix: readonly PathSegment[]): { text: string; path: readonly PathSegment[] } {
  const path = [...prefix, ...issue.path];
  const where = formatPath(path);
  const field = where === '' ? 'the event' : `\`${where}\``;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const unknownKeys = issue.keys ?? [];
      const keys = unknownKeys.map((key) => `\`${formatPath([...path, key])}\`${renameHint(path, key)}`).join(', ');
      return { text: `unknown field${unknownKeys.length > 1 ? 's' : ''} ${keys}`, path: [...path, unknownKeys[0] ?? ''] };
    }
    case 'invalid_type':
      return { text: mismatch(field, path, expectedWords(issue), issue.input), path };
    case 'invalid_value':
      return { text: mismatch(field, path, quoteValues(issue.values ?? []), issue.input), path };
    case 'invalid_union': {
      const errors = issue.errors ?? [];
      if (issue.discriminator !== undefined && errors.length === 0) {
        // The issue's input is the object; the value that failed is its discriminator.
        const received = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
        return { text: mismatch(field, path, quoteValues(issue.options ?? []), received, missingHint(path)), path };
      }
      // When every branch fails on the value itself (a number where a string or an object is
      // expected), list what each branch wanted instead of picking one.
      const atRoot = errors.every((branch) => branch.length === 1 && branch[0]?.path.length === 0);
      if (atRoot) {
        const wanted = errors.map((branch) => (branch[0] ? expectation(branch[0]) : undefined));
        if (wanted.every((word) => word !== undefined)) return { text: mismatch(field, path, [...new Set(wanted)].join(' or '), issue.input), path };
      }
      const branch = bestBranch(errors);
      const first = branch?.[0];
      if (first) return describeIssue(first, path);
      return { text: `${field} matches none of the allowed shapes`, path };
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = String(small ? issue.minimum : issue.maximum);
      const relation = issue.inclusive === false ? (small ? '>' : '<') : small ? '≥' : '≤';
      const unit = issue.origin === 'array' || issue.origin === 'string' ? ' in length' : '';
      return { text: `${field} must be ${relation} ${bound}${unit}, got ${describeValue(issue.input)}`, path };
    }
    default:
      return { text: `${field} is invalid (${issue.code})`, path };
  }
}

/**
 * Summarises issues (from the generated validators, or zod's parsed with `reportInput: true`)
 * as one message naming the first offending field and its fix.
 */
export function summarizeIssues(issues: readonly Issue[]): IssueSummary {
  const first = issues[0];
  if (!first) return { message: 'invalid event', path: '' };
  const { text, path } = describeIssue(first, []);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return { message: `${text}${more}`, path: formatPath(path) };
}
