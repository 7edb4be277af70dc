/**
 * Drift between the `openai` package's Realtime types and our runtime schemas (issue 11). The
 * type-level test (openai-types.test-d.ts) compares the inferred types; this one reads the d.ts
 * itself with the TypeScript compiler and walks every event of `RealtimeServerEvent` and
 * `RealtimeClientEvent` down to its leaves, checking that the zod schemas the SDK validates with
 * (and generates its validators from) know every event type and every field. Upgrading the
 * `openai` devDependency to a version that describes an event or field we do not know fails here,
 * naming it, so the schemas are extended before users meet it.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { dtsDrift } from './dts-drift';
import type { Schema } from './dts-drift';
import {
  callCreateParamsSchema,
  callReferParamsSchema,
  callRejectParamsSchema,
  clientEventSchemas,
  conversationItemSchema,
  realtimeSessionConfigSchema,
  serverEventSchemas,
  serverSessionSchema,
  transcriptionSessionConfigSchema,
} from '../../src/events';

const require = createRequire(import.meta.url);
// The package's exports map has no d.ts entry: resolve its main module, then the d.ts beside it.
const realtimeDts = join(dirname(require.resolve('openai/resources/realtime/realtime')), 'realtime.d.ts');

const clientSecretsDts = join(dirname(realtimeDts), 'client-secrets.d.ts');
const callsDts = join(dirname(realtimeDts), 'calls.d.ts');
const { unionMembers, namedType, missing, drift } = dtsDrift(realtimeDts, [clientSecretsDts, callsDts]);

describe('drift: the openai package describes nothing our runtime schemas do not know', () => {
  it('reads the event unions from the d.ts (the walk itself works)', () => {
    expect(unionMembers('RealtimeServerEvent').size).toBeGreaterThan(40);
    expect(unionMembers('RealtimeClientEvent').size).toBeGreaterThan(10);
    // A field we do not have is reported by path, at any depth; an event we lack, by its type.
    const partial = {
      'session.update': z.looseObject({
        type: z.literal('session.update'),
        event_id: z.optional(z.string()),
        session: z.looseObject({ type: z.literal('realtime'), instructions: z.optional(z.string()) }),
      }),
    } as Record<string, Schema>;
    const problems = drift('RealtimeClientEvent', partial);
    expect(problems).toContain('session.update.session(type realtime).model: missing');
    expect(problems).toContain('session.update.session(type transcription): variant missing');
    expect(problems).toContain('response.create: event type missing');
    expect(problems).not.toContain('session.update.session(type realtime).instructions: missing');
  });

  it('every server event type and field, to the leaves', () => {
    expect(drift('RealtimeServerEvent', serverEventSchemas as Record<string, Schema>)).toEqual([]);
  });

  it('every client event type and field, to the leaves', () => {
    expect(drift('RealtimeClientEvent', clientEventSchemas as Record<string, Schema>)).toEqual([]);
  });

  it('the session configs a client secret or a call is created with, and the sessions they return', () => {
    const check = (file: string, name: string, schema: Schema) => missing(namedType(file, name), [schema], name, 0, new Set());
    expect([
      ...check(realtimeDts, 'RealtimeSessionCreateRequest', realtimeSessionConfigSchema),
      ...check(realtimeDts, 'RealtimeTranscriptionSessionCreateRequest', transcriptionSessionConfigSchema),
      ...check(realtimeDts, 'ConversationItem', conversationItemSchema),
      // A backend-mediated call (SIP or a server-forwarded WebRTC offer) is accepted with a session config.
      ...check(callsDts, 'CallAcceptParams', realtimeSessionConfigSchema),
      ...check(callsDts, 'CallCreateParams', callCreateParamsSchema),
      ...check(callsDts, 'CallReferParams', callReferParamsSchema),
      ...check(callsDts, 'CallRejectParams', callRejectParamsSchema),
      ...check(clientSecretsDts, 'RealtimeSessionCreateResponse', serverSessionSchema),
      ...check(clientSecretsDts, 'RealtimeTranscriptionSessionCreateResponse', serverSessionSchema),
    ]).toEqual([]);
  });
});
