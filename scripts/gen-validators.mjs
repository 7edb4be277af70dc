// Writes src/events/generated/validators.ts from the zod schemas in src/events/: one
// expression of the check combinators (src/events/check.ts) per schema, so the SDK validates
// events at run time without importing zod and without generating code (CSP-clean).
//
//   node --import tsx scripts/gen-validators.mjs          writes the file
//   node --import tsx scripts/gen-validators.mjs --check  exits 1 when the file is stale
//
// test/events/generated.test.ts fails when the committed file is stale, and holds every
// generated validator equal to zod on random values. A schema feature the combinators do not
// model (a transform, a default, a string check, ...) stops the generator with the path of the
// offending schema: extend check.ts and this file together.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as audio from '../src/events/audio.ts';
import * as clientEvents from '../src/events/client-events.ts';
import * as contentParts from '../src/events/content-parts.ts';
import * as items from '../src/events/items.ts';
import * as toolItems from '../src/events/tool-items.ts';
import * as response from '../src/events/response.ts';
import * as responseEvents from '../src/events/response-events.ts';
import * as serverEvents from '../src/events/server-events.ts';
import * as sessionInput from '../src/events/session-input.ts';
import * as session from '../src/events/session.ts';
import * as tools from '../src/events/tools.ts';
import { notOneOfSource } from '../src/events/check.ts';
import * as translation from '../src/events/translation.ts';
import * as liveSession from '../src/events/live/session.ts';
import * as liveClientEvents from '../src/events/live/client-events.ts';
import * as liveServerEvents from '../src/events/live/server-events.ts';
import * as voxwireEvents from '../src/events/voxwire-events.ts';

const OUTPUT = fileURLToPath(new URL('../src/events/generated/validators.ts', import.meta.url));
/**
 * The GA server events' tables live apart from the client's: a browser app validates what it
 * sends from the start, but server events only once connected, so the transports load these
 * with the connection (`realtimeProtocol.load()`) and the app does not ship them at start.
 */
const SERVER_OUTPUT = fileURLToPath(new URL('../src/events/generated/server-validators.ts', import.meta.url));
/** Translation sessions speak their own protocol: their validators live apart, so conversation apps never load them. */
const TRANSLATION_OUTPUT = fileURLToPath(new URL('../src/events/generated/translation-validators.ts', import.meta.url));
/** GPT-Live is a third protocol: its validators live apart too (the `voxwire/live` entry loads them, the root never does). */
const LIVE_OUTPUT = fileURLToPath(new URL('../src/events/generated/live-validators.ts', import.meta.url));
const LINE_WIDTH = 120;

/** The exported validators: name, JSDoc and the schema (or, for event tables, schemas by type). */
const SERVER_EXPORTS = [
  { name: 'serverEventValidators', doc: 'Validators of every GA server event, by `type` (see `serverEventSchemas`).', table: serverEvents.serverEventSchemas },
];

const EXPORTS = [
  {
    name: 'voxwireEventValidators',
    server: true,
    doc: "Validators of the relay's own wire events, by `type` (see `voxwireEventSchemas`).",
    table: voxwireEvents.voxwireEventSchemas,
  },
  { name: 'clientEventValidators', doc: 'Validators of every GA client event, by `type` (see `clientEventSchemas`).', table: clientEvents.clientEventSchemas },
  { name: 'realtimeSessionConfigValidator', doc: 'Validates a GA realtime session config (`realtimeSessionConfigSchema`).', schema: session.realtimeSessionConfigSchema },
  {
    name: 'transcriptionSessionConfigValidator',
    doc: 'Validates a GA transcription session config (`transcriptionSessionConfigSchema`).',
    schema: session.transcriptionSessionConfigSchema,
  },
  {
    name: 'sessionConfigInputValidator',
    doc: 'Validates what `normalizeSessionConfig` accepts for a realtime session (`sessionConfigInputSchema`).',
    schema: sessionInput.sessionConfigInputSchema,
  },
  {
    name: 'transcriptionSessionConfigInputValidator',
    doc: 'Validates what `normalizeSessionConfig` accepts for a transcription session (`transcriptionSessionConfigInputSchema`).',
    schema: sessionInput.transcriptionSessionConfigInputSchema,
  },
];

const TRANSLATION_EXPORTS = [
  { name: 'translationServerEventValidators', server: true, doc: 'Validators of every translation server event, by `type` (see `translationServerEventSchemas`).', table: translation.translationServerEventSchemas },
  { name: 'translationClientEventValidators', doc: 'Validators of every translation client event, by `type` (see `translationClientEventSchemas`).', table: translation.translationClientEventSchemas },
];

/** Live `event_id`s may be `null` (client) or absent (server audio deltas): `eventId: 'lenient'`. */
const LIVE_EXPORTS = [
  { name: 'liveServerEventValidators', server: true, eventId: 'lenient', doc: 'Validators of every GPT-Live server event, by `type` (see `liveServerEventSchemas`).', table: liveServerEvents.liveServerEventSchemas },
  { name: 'liveClientEventValidators', eventId: 'lenient', doc: 'Validators of every GPT-Live client event, by `type` (see `liveClientEventSchemas`).', table: liveClientEvents.liveClientEventSchemas },
  { name: 'liveSessionConfigValidator', doc: 'Validates a GPT-Live startup session config (`liveSessionConfigSchema`).', schema: liveSession.liveSessionConfigSchema },
  { name: 'liveForkStartEventValidator', doc: "Validates a fork's `session.start` (`liveForkStartEventSchema`).", schema: liveClientEvents.liveForkStartEventSchema },
];

const isSchema = (value) => typeof value === 'object' && value !== null && '_zod' in value;

/** Names for shared schemas, from the modules that export them (`usageSchema` → `usage`). */
function exportedNames() {
  const names = new Map();
  for (const module of [audio, tools, contentParts, toolItems, items, session, response, serverEvents, responseEvents, clientEvents, sessionInput, translation, liveSession, liveClientEvents, liveServerEvents, voxwireEvents]) {
    for (const [name, value] of Object.entries(module)) {
      if (isSchema(value) && !names.has(value)) names.set(value, name.replace(/Schema$/, ''));
    }
  }
  return names;
}

class Unsupported extends Error {}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const quoteKey = (key) => (IDENTIFIER.test(key) ? key : `'${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
const literal = (value) => {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  throw new Unsupported(`literal ${String(value)}`);
};

/**
 * A node of the output: a call of a combinator (`callee`) on arguments that are nodes, object
 * shapes of nodes, or literal source text. `key` is the node's full source, so equal
 * sub-schemas (one `lenient(string)` per field) become one shared constant.
 */
function call(callee, args) {
  const text = (arg) => (typeof arg === 'string' ? arg : arg.shape ? `{${arg.shape.map(([key, node]) => `${quoteKey(key)}:${node.key}`).join(',')}}` : arg.key);
  return { callee, args, key: `${callee}(${args.map(text).join(',')})` };
}
const leaf = (name) => ({ leaf: name, key: name });

function checksOf(schema) {
  const own = schema._zod.def.checks ?? [];
  return schema._zod.traits.has('$ZodCheck') ? [schema, ...own] : own;
}

/** Whether zod lets an object leave this key out (optional in and out). */
const zodOptional = (schema) => schema._zod.optin !== undefined && schema._zod.optout === 'optional';
/** Whether the generated check is marked optional (see `optional`, `nullable`, `lenient` in check.ts). */
const checkOptional = (node) => node.callee === 'optional' || node.callee === 'lenient' || (node.callee === 'nullable' && checkOptional(node.args[0]));

/** How many schemas refer to each schema (one that only one parent uses can be written inline). */
let parentCounts = new Map();

function countParents(roots) {
  const counts = new Map();
  const seen = new Set();
  const visit = (schema) => {
    if (seen.has(schema)) return;
    seen.add(schema);
    const def = schema._zod.def;
    const children = [
      ...(def.type === 'object' ? Object.values(def.shape) : []),
      ...(def.innerType ? [def.innerType] : []),
      ...(def.type === 'array' ? [def.element] : []),
      ...(def.type === 'record' ? [def.valueType] : []),
      ...(def.type === 'union' ? def.options : []),
    ];
    for (const child of children) {
      counts.set(child, (counts.get(child) ?? 0) + 1);
      visit(child);
    }
  };
  for (const root of roots) visit(root);
  return counts;
}

function convert(schema, where, memo) {
  const cached = memo.get(schema);
  if (cached) return cached;
  const node = convertUncached(schema, where, memo);
  memo.set(schema, node);
  return node;
}

function convertUncached(schema, where, memo) {
  const def = schema._zod.def;
  const checks = checksOf(schema);
  const fail = (what) => {
    throw new Unsupported(`${where}: ${what}`);
  };
  if (def.coerce) fail('coercion');
  if (checks.length > 0 && def.type !== 'number' && def.type !== 'string') fail(`${def.type} with checks`);
  switch (def.type) {
    case 'string': {
      if (def.format !== undefined) fail('string format');
      if (checks.length === 0) return leaf('string');
      // Exactly one z.regex(...) (openUnion's generic member): matching mirrors zod's issue.
      const [regex, ...rest] = checks.map((check) => check._zod.def);
      if (regex?.check !== 'string_format' || regex.format !== 'regex' || rest.length > 0 || regex.when) fail('string checks other than one z.regex(...)');
      return call('matching', [literal(regex.pattern.source), literal(regex.pattern.flags), String(regex.abort === true)]);
    }
    case 'boolean':
      return leaf('boolean');
    case 'unknown':
      return leaf('unknown');
    case 'number': {
      if (checks.length === 0) return leaf('number');
      // Exactly z.int().check(z.gte(minimum)): intAtLeast mirrors zod's issues for that pair.
      const [format, bound, ...rest] = checks.map((check) => check._zod.def);
      const intFormat = format?.check === 'number_format' && format.format === 'safeint';
      const lowerBound = bound?.check === 'greater_than' && bound.inclusive === true && typeof bound.value === 'number';
      if (!intFormat || !lowerBound || rest.length > 0 || format.when || bound.when || bound.abort) fail('number checks other than z.int().check(z.gte(n))');
      return call('intAtLeast', [String(bound.value)]);
    }
    case 'literal':
      return call('oneOf', def.values.map(literal));
    case 'enum': {
      const values = Object.values(def.entries);
      if (values.some((value) => typeof value !== 'string')) fail('numeric enum');
      return call('oneOf', values.map(literal));
    }
    case 'optional': {
      if (def.innerType._zod.optin === 'defaulted') fail('default');
      const inner = def.innerType._zod.def;
      if (inner.type === 'nullable' && checksOf(def.innerType).length === 0) return call('lenient', [convert(inner.innerType, where, memo)]);
      return call('optional', [convert(def.innerType, where, memo)]);
    }
    case 'nullable':
      return call('nullable', [convert(def.innerType, where, memo)]);
    case 'array':
      return call('array', [convert(def.element, `${where}[]`, memo)]);
    case 'record': {
      const key = def.keyType;
      if (key._zod.def.type !== 'string' || checksOf(key).length > 0 || key._zod.values !== undefined || def.mode !== undefined) fail('record key other than z.string()');
      return call('record', [convert(def.valueType, `${where}{}`, memo)]);
    }
    case 'object': {
      const catchall = def.catchall === undefined ? 'strip' : def.catchall._zod.def.type;
      const callee = { strip: 'stripObject', unknown: 'looseObject', never: 'strictObject' }[catchall];
      if (callee === undefined) fail(`catchall ${catchall}`);
      if (Object.getOwnPropertySymbols(def.shape).length > 0) fail('symbol keys');
      const shape = Object.entries(def.shape).map(([key, field]) => {
        if (key === '__proto__') fail('a `__proto__` field');
        const node = convert(field, where === '' ? key : `${where}.${key}`, memo);
        if (zodOptional(field) !== checkOptional(node)) fail(`optionality of \`${key}\` the combinators do not model`);
        return [key, node];
      });
      return call(callee, [{ shape, key: '' }]);
    }
    case 'union': {
      const openNode = openUnionNode(def, where, memo);
      if (openNode) return openNode;
      if (typeof def.discriminator !== 'string') {
        if (def.inclusive === false) fail('exclusive union (z.xor)');
        return call('union', def.options.map((option, index) => convert(option, `${where}|${index}`, memo)));
      }
      if (def.unionFallback) fail('discriminated union with unionFallback');
      // zod's own discriminator values, in its order: the order its error lists them in.
      const byTag = [];
      for (const option of def.options) {
        const node = convert(option, where, memo);
        for (const tag of option._zod.propValues?.[def.discriminator] ?? []) {
          if (typeof tag !== 'string') fail(`discriminator value ${String(tag)}`);
          if (byTag.some(([existing]) => existing === tag)) fail(`duplicate discriminator value ${tag}`);
          byTag.push([tag, node]);
        }
      }
      // An object literal keeps this order unless a tag looks like an array index.
      if (byTag.some(([tag]) => /^\d+$/.test(tag))) fail('numeric discriminator value');
      // An option used only here, an object whose first field is its tag, is written as its
      // other fields (see `discriminated` in check.ts): the tag is not repeated.
      const objects = new Set(byTag.map(([, node]) => node.callee).filter((callee) => callee === 'looseObject' || callee === 'strictObject'));
      const [object] = objects;
      const rows = byTag.map(([tag, node], index) => {
        const option = def.options.find((candidate) => convert(candidate, where, memo) === node);
        const [first, ...rest] = node.callee === object ? node.args[0].shape : [];
        const inline =
          objects.size === 1 &&
          parentCounts.get(option) === 1 &&
          byTag.filter(([, other]) => other === node).length === 1 &&
          first?.[0] === def.discriminator &&
          first[1].key === call('oneOf', [literal(tag)]).key;
        return [tag, inline ? { shape: rest, key: `{${rest.map(([key, child]) => `${quoteKey(key)}:${child.key}`).join(',')}}` } : node, index];
      });
      const byTagArg = { shape: rows.map(([tag, row]) => [tag, row]), key: '' };
      return rows.some(([, row]) => row.shape) ? call('discriminated', [literal(def.discriminator), byTagArg, object]) : call('discriminated', [literal(def.discriminator), byTagArg]);
    }
    default:
      return fail(`schema type ${def.type}`);
  }
}

/**
 * `openUnion(key, options)` (src/events/primitives.ts) as `open(...)`, the arguments of its
 * discriminated union: the generic member is rebuilt from the tags at load (see `open` in
 * check.ts). Undefined when the union is not exactly that shape.
 */
function openUnionNode(def, where, memo) {
  const [known, generic, ...rest] = def.options;
  const key = known?._zod.def.discriminator;
  if (rest.length > 0 || typeof key !== 'string' || generic?._zod.def.type !== 'object') return undefined;
  const genericDef = generic._zod.def;
  const fields = Object.keys(genericDef.shape);
  if (genericDef.catchall?._zod.def.type !== 'unknown' || fields.length !== 1 || fields[0] !== key) return undefined;
  const [regex, ...others] = checksOf(genericDef.shape[key]).map((check) => check._zod.def);
  if (genericDef.shape[key]._zod.def.type !== 'string' || others.length > 0 || regex?.format !== 'regex' || regex.abort !== true || regex.when) return undefined;
  const tags = known._zod.def.options.flatMap((option) => [...(option._zod.propValues?.[key] ?? [])]);
  if (regex.pattern.source !== notOneOfSource(tags) || regex.pattern.flags !== '') return undefined;
  const node = convert(known, where, memo);
  return call('open', node.args);
}

// ---------------------------------------------------------------------------------------------
// Output: a node repeated often enough becomes a shared constant.

const COMBINATORS = ['looseObject', 'strictObject', 'stripObject', 'discriminated', 'union', 'array', 'record', 'lenient', 'optional', 'nullable', 'oneOf', 'intAtLeast', 'matching', 'open', 'eventTable'];
const LEAVES = ['string', 'number', 'boolean', 'unknown'];

/** The nodes a node refers to; a shape's rows (a shape inside a shape) are looked through. */
const shapeChildren = (shape) => shape.flatMap(([, child]) => (child.shape ? shapeChildren(child.shape) : [child]));
const childrenOf = (node) => (node.leaf ? [] : node.args.flatMap((arg) => (typeof arg === 'string' ? [] : arg.shape ? shapeChildren(arg.shape) : [arg])));

/** Roughly how many bytes a node takes once minified (identifiers are one or two letters). */
function minifiedSize(node) {
  if (node.leaf) return 1;
  if (node.shape) return 2 + node.shape.reduce((sum, [key, child]) => sum + quoteKey(key).length + 2 + minifiedSize(child), 0);
  let size = 3;
  for (const arg of node.args) size += (typeof arg === 'string' ? arg.length : minifiedSize(arg)) + 1;
  return size;
}

/**
 * Decides which nodes become shared constants (see the rule below). Returns the nodes children
 * first (the order constants are declared in) and the combinators used.
 */
function plan(rootRefs) {
  const nodes = new Map();
  const order = [];
  const imports = new Set();
  const visit = (node) => {
    if (node.leaf) {
      imports.add(node.leaf);
      return;
    }
    if (nodes.has(node.key)) return;
    nodes.set(node.key, node);
    imports.add(node.callee);
    for (const child of childrenOf(node)) visit(child);
    order.push(node);
  };
  for (const node of rootRefs) visit(node);
  // Parents first: a node appears once per appearance of each parent that stays inline.
  const appearances = new Map();
  for (const node of rootRefs) if (!node.leaf) appearances.set(node.key, (appearances.get(node.key) ?? 0) + 1);
  const shared = new Set();
  for (const node of [...order].reverse()) {
    const count = appearances.get(node.key) ?? 0;
    const size = minifiedSize(node);
    // gzip stores a repeated small expression almost for free but not a constant's definition,
    // so small nodes stay inline unless they are everywhere (measured on the app bundle).
    if (count > 3 || (count > 1 && size > 60)) shared.add(node.key);
    const copies = shared.has(node.key) ? 1 : count;
    for (const child of childrenOf(node)) if (!child.leaf) appearances.set(child.key, (appearances.get(child.key) ?? 0) + copies);
  }
  return { order: order.filter((node) => shared.has(node.key)), imports };
}

/** Source of a node: a shared constant's name, or the call, broken over lines past LINE_WIDTH. */
function render(node, names, indent, top = false) {
  if (node.leaf) return node.leaf;
  if (!top && names.has(node.key)) return names.get(node.key);
  const flat = `${node.callee}(${node.args.map((arg) => renderArg(arg, names, indent)).join(', ')})`;
  if (!flat.includes('\n') && flat.length + indent.length <= LINE_WIDTH) return flat;
  // One shape among literals (`discriminated('type', {...}, looseObject)`): keep the braces on the call's line.
  const shapes = node.args.filter((arg) => typeof arg !== 'string');
  if (shapes.length === 1 && shapes[0].shape) {
    return `${node.callee}(${node.args.map((arg) => (typeof arg === 'string' ? arg : renderArg(arg, names, indent))).join(', ')})`;
  }
  if (node.args.length === 1) return `${node.callee}(${renderArg(node.args[0], names, indent)})`;
  return `${node.callee}(\n${node.args.map((arg) => `${indent}  ${renderArg(arg, names, `${indent}  `)},`).join('\n')}\n${indent})`;
}

function renderArg(arg, names, indent) {
  if (typeof arg === 'string') return arg;
  if (!arg.shape) return render(arg, names, indent);
  if (arg.shape.length === 0) return '{}';
  const fields = arg.shape.map(([key, child]) => `${quoteKey(key)}: ${child.shape ? renderArg(child, names, `${indent}  `) : render(child, names, `${indent}  `)}`);
  const flat = `{ ${fields.join(', ')} }`;
  if (!flat.includes('\n') && flat.length + indent.length <= LINE_WIDTH) return flat;
  return `{\n${fields.map((field) => `${indent}  ${field},`).join('\n')}\n${indent}}`;
}

/**
 * An event of a table as a row: `{ fields }` when it is the table's usual event object
 * (`type` literal, then `event_id`; see `eventTable` in check.ts), else its whole validator.
 */
function eventRow(type, node, table) {
  const [typeField, idField, ...rest] = node.callee === table.object ? node.args[0].shape : [];
  const usual = typeField?.[0] === 'type' && typeField[1].key === call('oneOf', [literal(type)]).key && idField?.[0] === 'event_id' && idField[1].key === table.eventId.key;
  return usual ? { shape: rest, key: '' } : node;
}

/** The generated module's source text. */
/**
 * `pureExports`: each export reads the shared object inside a `/* @__PURE__ *\/` call, so a
 * bundler drops the whole module when an app imports the barrel but none of its validators (a
 * plain property read at module level counts as a side effect and would keep it). Every table
 * needs it: the root barrel re-exports the translation validators, which conversation apps never
 * use, and GPT-Live's parse shares the frame parser with the Realtime tables' module, whose
 * tables a Live app never uses.
 */
export function generateValidators(exportList = EXPORTS, { pureExports = false, factory } = {}) {
  parentCounts = countParents(exportList.flatMap((entry) => (entry.table ? Object.values(entry.table) : [entry.schema])));
  const memo = new Map();
  const rootRefs = [];
  const exported = exportList.map((entry) => {
    if (entry.table) {
      const object = entry.server || entry.name === 'serverEventValidators' ? 'looseObject' : 'strictObject';
      const eventId = entry.eventId === 'lenient' ? call('lenient', [leaf('string')]) : object === 'looseObject' ? leaf('string') : call('optional', [leaf('string')]);
      const table = { object, eventId };
      const rows = Object.entries(entry.table).map(([type, schema]) => {
        const row = eventRow(type, convert(schema, type, memo), table);
        rootRefs.push(...(row.shape ? shapeChildren(row.shape) : [row]));
        return [type, row];
      });
      rootRefs.push(table.eventId);
      return { ...entry, tableNode: call('eventTable', [table.object, table.eventId, { rows }]) };
    }
    const node = convert(entry.schema, entry.name, memo);
    rootRefs.push(node);
    return { ...entry, node };
  });

  const { order, imports } = plan(rootRefs);
  imports.add('eventTable');
  imports.add('looseObject');
  imports.add('strictObject');
  // Shared nodes are named after the schema they came from when the schema is exported.
  const schemaNames = exportedNames();
  const nameOfKey = new Map();
  for (const [schema, node] of memo) if (schemaNames.has(schema) && !nameOfKey.has(node.key)) nameOfKey.set(node.key, schemaNames.get(schema));
  const taken = new Set([...COMBINATORS, ...LEAVES, 'pure', 'Check', 'validators']);
  const names = new Map();
  let counter = 0;
  const pascal = (text) => text.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, _separator, letter) => letter.toUpperCase());
  // A readable name from the structure: lenient(string) → lenientString, oneOf('mcp') → oneOfMcp.
  const suggest = (node) => {
    if (nameOfKey.has(node.key)) return nameOfKey.get(node.key);
    if (node.leaf) return node.leaf;
    if (node.callee === 'oneOf') return `oneOf${node.args.map((arg) => pascal(arg.replace(/'/g, ''))).join('Or')}`;
    const [arg] = node.args;
    if (node.args.length !== 1 || typeof arg === 'string' || arg.shape) return undefined;
    const inner = suggest(arg);
    if (inner === undefined) return undefined;
    return `${{ array: 'arrayOf', record: 'recordOf' }[node.callee] ?? node.callee}${pascal(inner)}`;
  };
  for (const node of order) {
    const suggested = suggest(node);
    let name = suggested !== undefined && suggested.length <= 40 ? suggested : `shared${(counter += 1)}`;
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    names.set(node.key, name);
  }

  const body = order.map((node) => `  const ${names.get(node.key)} = ${render(node, names, '  ', true)};`);
  const results = exported.map((entry) => {
    // A schema an event also uses is already a shared constant: name it, do not write it twice.
    if (!entry.tableNode) return `    ${entry.name}: ${names.get(entry.node.key) ?? render(entry.node, names, '    ', true)},`;
    const [object, eventId, { rows }] = entry.tableNode.args;
    const lines = rows.map(([type, row]) => `      [${literal(type)}, ${renderArg(row, names, '      ')}],`);
    return [`    ${entry.name}: eventTable(${object}, ${render(eventId, names, '    ')}, [`, ...lines, '    ]),'].join('\n');
  });
  const exports = exported.flatMap((entry) => [
    '',
    `/** ${entry.doc} */`,
    `export const ${entry.name}: ${entry.tableNode ? 'ReadonlyMap<string, Check>' : 'Check'} = ${pureExports ? `/* @__PURE__ */ pure(() => validators.${entry.name})` : `validators.${entry.name}`};`,
  ]);

  const header = [
    '// Generated by scripts/gen-validators.mjs from the zod schemas in src/events/. Do not edit:',
    '// change the schemas, then run `node --import tsx scripts/gen-validators.mjs`.',
    '// test/events/generated.test.ts fails when this file is stale and holds it equal to zod.',
  ];
  if (factory !== undefined) {
    const used = [...imports].sort();
    const type = `{ ${exported.map((entry) => `${entry.name}: ${entry.tableNode ? 'ReadonlyMap<string, Check>' : 'Check'}`).join('; ')} }`;
    return [
      ...header,
      'import type * as Combinators from \'../check\';',
      "import type { Check } from '../check';",
      '',
      '/**',
      ` * Builds ${exported.map((entry) => `\`${entry.name}\``).join(', ')} from the check combinators it is given, and imports`,
      ' * nothing: a copy loaded on demand uses the combinators the app already loaded (a bundler would',
      ' * otherwise split them into a chunk of their own, loaded at start).',
      ' */',
      `export function ${factory}({ ${used.join(', ')} }: Pick<typeof Combinators, ${used.map(literal).join(' | ')}>): ${type} {`,
      ...body,
      '  return {',
      ...results,
      '  };',
      '}',
      '',
    ].join('\n');
  }

  return [
    ...header,
    `import { ${[...imports].sort().join(', ')} } from '../check';`,
    "import type { Check } from '../check';",
    "import { pure } from '../pure';",
    '',
    '// Built once, when the module loads, by one pure call: a bundler drops all of it when none is used.',
    'const validators = /* @__PURE__ */ pure(() => {',
    ...body,
    '  return {',
    ...results,
    '  };',
    '});',
    ...exports,
    '',
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  for (const [output, exportList, options] of [[OUTPUT, EXPORTS, { pureExports: true }], [SERVER_OUTPUT, SERVER_EXPORTS, { factory: 'buildServerEventValidators' }], [TRANSLATION_OUTPUT, TRANSLATION_EXPORTS, { pureExports: true }], [LIVE_OUTPUT, LIVE_EXPORTS, { pureExports: true }]]) {
    let source;
    try {
      source = generateValidators(exportList, options);
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      console.error(`gen-validators: unsupported schema feature at ${error.message}`);
      process.exit(1);
    }
    if (process.argv.includes('--check')) {
      const current = readFileSync(output, 'utf8');
      if (current !== source) {
        console.error(`gen-validators: ${output} is stale; run node --import tsx scripts/gen-validators.mjs`);
        process.exit(1);
      }
      console.log(`gen-validators: ${output} up to date`);
    } else {
      writeFileSync(output, source);
      console.log(`gen-validators: wrote ${output}`);
    }
  }
}
