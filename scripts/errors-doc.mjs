// Writes docs/errors.md from the tables in src/base/errors.ts (codes) and src/base/error-descriptions.ts
// (what each means; documentation only, apps never ship it), so the doc cannot drift
// (`npm run generate:check` and test/base/errors.test.ts check it is current).
// Run `npm run generate`, or node --import tsx scripts/errors-doc.mjs [--check].
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ERROR_DESCRIPTIONS } from '../src/base/error-descriptions.ts';
import { ERROR_CODES, CLOSE_CODES, SESSION_END_REASONS } from '../src/base/errors.ts';

const closeMeaning = {
  normal: ['Normal closure.', 'When the server closes: the session ended (`expired`), no reconnect.'],
  goingAway: ['Going away.', 'After a `session_expired` error: `expired`. Otherwise reconnect with backoff.'],
  abnormal: ['Dropped without a close frame.', 'Reconnect with backoff.'],
  draining: ['The relay is draining.', 'Back off and reconnect (another node takes the session).'],
  sessionTimeLimit: ['Session time limit reached.', '`expired`, no reconnect.'],
  budgetExhausted: ['Budget exhausted.', '`expired`, no reconnect.'],
  authenticationFailed: ['Authentication failed.', '`closed`, no reconnect.'],
  policyViolation: ['Policy violation.', '`closed`, no reconnect.'],
  relayMisconfigured: ["The relay's own upstream key or quota failed (not the client's fault).", '`closed`, no reconnect (retrying cannot help until an operator fixes the relay).'],
};

const lines = [
  '# Errors and close codes',
  '',
  '<!-- Generated from src/base/errors.ts by scripts/errors-doc.mjs. Do not edit by hand. -->',
  '',
  'Every error the SDK raises or emits is a `RealtimeError` with a stable `code`. Branch on the',
  'code (or use `isRealtimeError(error, code)`), never on the message. Errors from frames keep the',
  'first 2 KiB of the raw text in `error.raw`; errors the server sent keep its `error` object in',
  '`error.serverError`.',
  '',
  '## Error codes',
  '',
  '| code | meaning |',
  '| --- | --- |',
  ...Object.keys(ERROR_CODES).map((code) => `| \`${code}\` | ${ERROR_DESCRIPTIONS[code]} |`),
  '',
  '## Close codes',
  '',
  'One table for client, relay and mock server alike. Codes 4000–4999 are the application range',
  'of RFC 6455.',
  '',
  '| code | name | meaning | what the client does |',
  '| --- | --- | --- | --- |',
  ...Object.entries(CLOSE_CODES).map(([name, code]) => {
    const [meaning, action] = closeMeaning[name] ?? ['', ''];
    return `| ${code} | \`${name}\` | ${meaning} | ${action} |`;
  }),
  '',
  '## End reasons',
  '',
  'Why a session ended, in one vocabulary: the relay\'s `sessionEnded` event and metrics, its',
  '`voxwire.session.ending` event, and the client\'s `expired` state and `sessionEnding` event use',
  'these words (`SESSION_END_REASONS`). Two reasons can share a close code; the client tells them',
  'apart by the `voxwire.session.ending` the relay announced first.',
  '',
  '| reason | close code | announced (`voxwire.session.ending`) | what the client does |',
  '| --- | --- | --- | --- |',
  ...Object.entries(SESSION_END_REASONS).map(([reason, row]) => {
    const client = row.client === 'reconnect' ? 'reconnect' : row.client === 'closed' ? '`closed`' : `\`expired\`, reason \`${row.client}\``;
    return `| \`${reason}\` | ${row.closeCode} | ${row.announced ? 'yes' : 'no'} | ${client} |`;
  }),
  '',
];
const output = new URL('../docs/errors.md', import.meta.url);
const text = lines.join('\n');
if (process.argv.includes('--check')) {
  if (!existsSync(output) || readFileSync(output, 'utf8') !== text) {
    console.error('errors-doc: docs/errors.md is stale; run `npm run generate`');
    process.exit(1);
  }
  console.log('errors-doc: docs/errors.md is current');
} else {
  writeFileSync(output, text);
  console.log('docs/errors.md written');
}
