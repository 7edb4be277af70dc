/**
 * Turns validation issues into one message that says which field failed, what it expected,
 * what it got, and (for shapes from the retired beta protocol) what GA calls it. The issues
 * come from the generated validators (`./check.ts`), which report exactly what zod would; zod's
 * own issues fit the same type, so the mock server explains its zod failures with it too. zod
 * ships no locale in zod/mini, so the SDK writes its own messages and never touches the app's
 * zod config.
 */

import { isRecord } from '../base/is-record';
import type { AudioFormat } from './audio';
import type { LegacyAudioFormat } from './session-input';

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
  /** `unrecognized_keys` from the generated validators: the fields the object does know. */
  readonly known?: readonly string[];
  /** `unrecognized_keys` after triage: the known field each misspelled key meant. */
  readonly meant?: Readonly<Record<string, string>>;
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

/**
 * Misspellings of session and response fields seen in apps, and the GA field meant. Like the
 * beta names, they are refused even outside strict mode: they are known to be wrong.
 */
const KNOWN_MISSPELLINGS: Readonly<Record<string, string>> = {
  output_modality: 'output_modalities',
  max_tokens: 'max_output_tokens',
  max_output_token: 'max_output_tokens',
  instruction: 'instructions',
};

/** Keys that are never a field: refused anywhere, in any mode. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Beta content part types and their GA names. */
const BETA_CONTENT_TYPES: Readonly<Record<string, string>> = { text: 'output_text', audio: 'output_audio' };

/** Beta audio format names and the GA format objects that replace them. */
export const BETA_AUDIO_FORMATS: Readonly<Record<LegacyAudioFormat, AudioFormat>> = {
  pcm16: { type: 'audio/pcm', rate: 24000 },
  g711_ulaw: { type: 'audio/pcmu' },
  g711_alaw: { type: 'audio/pcma' },
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

/** A value as TypeScript would write it: `'pcm16'`, `['text', 'audio']`, `{ type: 'audio/pcmu' }`. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([key, inner]) => `${key}: ${formatValue(inner)}`)
      .join(', ')} }`;
  }
  return String(value);
}

function quoteValues(values: readonly unknown[]): string {
  return values.length === 1 ? formatValue(values[0]) : `one of ${values.map(formatValue).join(', ')}`;
}

/** True for a key known to be wrong under `parentPath`: a beta name, a known misspelling, a prototype key. */
function isWrongKey(parentPath: readonly PathSegment[], key: string): boolean {
  return FORBIDDEN_KEYS.has(key) || renameHint(parentPath, key) !== '';
}

/** `\`session.voice\` (GA uses …)` for each of `keys` known to be wrong. */
function wrongKeys(parentPath: readonly PathSegment[], keys: readonly string[]): string[] {
  return keys.filter((key) => isWrongKey(parentPath, key)).map((key) => `\`${formatPath([...parentPath, key])}\`${renameHint(parentPath, key)}`);
}

/** For a session without `type`: the hint, and every beta field it carries, named at once. */
function missingHint(path: readonly PathSegment[], input: unknown): string {
  if (formatPath(path) !== 'session.type') return '';
  const beta = isRecord(input) ? wrongKeys(path.slice(0, -1), Object.keys(input)) : [];
  const fields = beta.length > 0 ? `; beta field${beta.length > 1 ? 's' : ''} ${beta.join(', ')}` : '';
  return `; GA requires it, and normalizeSessionConfig() fills it in and translates beta fields${fields}`;
}

function lastKey(path: readonly PathSegment[]): PathSegment | undefined {
  return path[path.length - 1];
}

function meantHint(parentPath: readonly PathSegment[], meant: string | undefined): string {
  return meant === undefined ? '' : ` (did you mean \`${formatPath([...parentPath, meant])}\`?)`;
}

/** The known field `key` is a slip of (one letter off, or camelCase for snake_case), if any. */
function misspelled(key: string, known: readonly string[] | undefined): string | undefined {
  const squash = (text: string): string => text.replace(/_/g, '').toLowerCase();
  return known?.find((field) => squash(field) === squash(key) || (key.length > 3 && oneEditApart(field, key)));
}

/** True when one insertion, deletion or substitution turns `a` into `b`. */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let start = 0;
  while (start < a.length && a[start] === b[start]) start += 1;
  const rest = (skipA: number, skipB: number): boolean => a.slice(start + skipA) === b.slice(start + skipB);
  return rest(1, 1) || rest(1, 0) || rest(0, 1);
}

function renameHint(parentPath: readonly PathSegment[], key: string): string {
  const parent = lastKey(parentPath);
  if (parentPath.length !== 1 || (parent !== 'session' && parent !== 'response')) return '';
  if (Object.hasOwn(KNOWN_MISSPELLINGS, key)) return ` (did you mean \`${formatPath([...parentPath, KNOWN_MISSPELLINGS[key] ?? key])}\`?)`;
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
  if (key === 'format' && Object.hasOwn(BETA_AUDIO_FORMATS, received)) return ` (GA uses ${formatValue(BETA_AUDIO_FORMATS[received as LegacyAudioFormat])})`;
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
      const keys = unknownKeys.map((key) => `\`${formatPath([...path, key])}\`${renameHint(path, key) || meantHint(path, issue.meant && Object.hasOwn(issue.meant, key) ? issue.meant[key] : undefined)}`).join(', ');
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
        return { text: mismatch(field, path, quoteValues(issue.options ?? []), received, missingHint(path, issue.input)), path };
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

/**
 * Something an outgoing event carries that the schemas do not know (a newer field, enum value or
 * `type`): outside strict mode it is sent as given, and reported once through this.
 */
export interface ClientEventWarning {
  /** The client event's `type`, e.g. `session.update`. */
  eventType: string;
  /** Dotted path of the unknown field or value, e.g. `session.audio.input.turn_detection.new_knob`. */
  path: string;
  /** What was not known, and that it was sent as given. */
  message: string;
}

/** The value a union or enum refused and its path, when it is a string (possibly a newer value). */
function refusedValue(issue: Issue): [readonly PathSegment[], string] | undefined {
  const { input, path } = issue;
  // An enum (two values or more) may grow; a single literal (`'inf'`, `'realtime.item'`) is fixed.
  const isEnum = (inner: Issue): boolean => inner.code === 'invalid_value' && (inner.values ?? []).length > 1 && (inner.values ?? []).every((value) => typeof value === 'string');
  if (issue.code === 'invalid_value') return typeof input === 'string' && isEnum(issue) ? [path, input] : undefined;
  if (issue.code !== 'invalid_union') return undefined;
  const errors = issue.errors ?? [];
  if (issue.discriminator !== undefined && errors.length === 0) {
    const tag = isRecord(input) ? input[issue.discriminator] : undefined;
    return typeof tag === 'string' ? [path, tag] : undefined;
  }
  // An enum among objects (`tool_choice`), or objects none of which has this `type` (`tools`).
  if (typeof input === 'string' && errors.some((branch) => branch.length === 1 && branch[0] !== undefined && isEnum(branch[0]) && branch[0].path.length === 0)) {
    return [path, input];
  }
  const tag = isRecord(input) ? input.type : undefined;
  const noneHasIt = errors.every((branch) => branch.some((inner) => inner.code === 'invalid_value' && formatPath(inner.path) === 'type'));
  return typeof tag === 'string' && errors.length > 0 && noneHasIt ? [[...path, 'type'], tag] : undefined;
}

/**
 * Splits the issues of an outgoing event into what is known to be wrong (refused: beta names,
 * known misspellings and their beta values, wrong types, missing fields) and what is only new
 * (an unknown field, enum value or `type`: a warning each, the event sent as given).
 */
export function triageIssues(issues: readonly Issue[], eventType: string): { refused: Issue[]; warnings: ClientEventWarning[] } {
  const refused: Issue[] = [];
  const warnings: ClientEventWarning[] = [];
  const warn = (path: readonly PathSegment[], what: string): void => {
    const where = formatPath(path);
    warnings.push({ eventType, path: where, message: `${eventType}: ${what} \`${where}\` is not known to voxwire; sent as given (strict mode refuses it)` });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys ?? [];
      const meant: Record<string, string> = {};
      const wrong = keys.filter((key) => {
        const field = misspelled(key, issue.known);
        if (field !== undefined) meant[key] = field;
        return field !== undefined || isWrongKey(issue.path, key);
      });
      for (const key of keys) if (!wrong.includes(key)) warn([...issue.path, key], 'field');
      if (wrong.length > 0) refused.push({ ...issue, keys: wrong, meant });
      continue;
    }
    const value = refusedValue(issue);
    if (value !== undefined && valueHint(value[0], value[1]) === '' && !FORBIDDEN_KEYS.has(value[1])) warn(value[0], `value ${describeValue(value[1])} of`);
    else refused.push(issue);
  }
  return { refused, warnings };
}

/** Calls `onWarning` with each warning; a callback that throws is ignored (it must not lose the event). */
export function reportWarnings(warnings: readonly ClientEventWarning[], onWarning: ((warning: ClientEventWarning) => void) | undefined): void {
  if (onWarning === undefined) return;
  for (const warning of warnings) {
    try {
      onWarning(warning);
    } catch {
      // A reporting callback must not stop the event it reports on.
    }
  }
}
