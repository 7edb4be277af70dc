import { describe, expect, it } from 'vitest';
import type { LiveSessionConfig } from '../../../src/events/live/session';
import { forkedConfig, forkUnavailable, updatedDelegation } from '../../../src/testing/mock/live-config';

const stored: LiveSessionConfig = {
  model: 'gpt-live-1',
  instructions: 'Be brief.',
  store: true,
  audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'cedar' } },
  delegation: { type: 'responses', acknowledgement_delay_ms: 200, responses: { model: 'gpt-5.2', instructions: 'Look things up.' } },
};

describe('updatedDelegation', () => {
  it("replaces the delegation's fields and merges its backend's settings field by field", () => {
    expect(updatedDelegation(stored.delegation, { type: 'responses', responses: { model: 'gpt-5.4' } })).toEqual({
      type: 'responses',
      acknowledgement_delay_ms: 200,
      responses: { model: 'gpt-5.4', instructions: 'Look things up.' },
    });
    expect(updatedDelegation(undefined, { type: 'client', acknowledgement_delay_ms: 50 })).toEqual({ type: 'client', acknowledgement_delay_ms: 50 });
    expect(updatedDelegation({ type: 'client', acknowledgement_delay_ms: 0 }, { type: 'client', acknowledgement_delay_ms: 50 })).toEqual({ type: 'client', acknowledgement_delay_ms: 50 });
  });
});

describe('forkUnavailable', () => {
  it('names an unknown session and one that was not stored; a stored one can be forked', () => {
    expect(forkUnavailable('live_x', undefined)).toBe('Live session live_x does not exist.');
    expect(forkUnavailable('live_x', { config: undefined })).toMatch(/was not stored/);
    expect(forkUnavailable('live_x', { config: { model: 'gpt-live-1' } })).toMatch(/was not stored \(session\.store: true\)/);
    expect(forkUnavailable('live_x', { config: stored })).toBeUndefined();
  });
});

describe('forkedConfig', () => {
  it('inherits everything from an empty object, and leaves the stored config as it was', () => {
    const before = structuredClone(stored);
    const result = forkedConfig(stored, {});
    expect(result).toEqual({ config: stored });
    expect('config' in result && result.config).not.toBe(stored);
    expect(stored).toEqual(before);
  });

  it('takes the audio format, store and Responses settings a fork may change, and keeps the voice, instructions and model', () => {
    expect(forkedConfig(stored, { audio: { format: { type: 'audio/pcmu', rate: 8000 } }, store: false, delegation: { type: 'responses', responses: { model: 'gpt-5.4' } } })).toEqual({
      config: {
        model: 'gpt-live-1',
        instructions: 'Be brief.',
        store: false,
        audio: { format: { type: 'audio/pcmu', rate: 8000 }, output: { voice: 'cedar' } },
        delegation: { type: 'responses', acknowledgement_delay_ms: 200, responses: { model: 'gpt-5.4', instructions: 'Look things up.' } },
      },
    });
  });

  it('refuses WebRTC client permissions over WebSocket, and a delegation change of a session that does not delegate to Responses', () => {
    expect(forkedConfig(stored, { client: { data_channel: { allowed_client_events: 'all' } } } as never)).toEqual({ refusal: expect.objectContaining({ code: 'invalid_value', param: 'session.client' }) });
    const clientDelegated: LiveSessionConfig = { ...stored, delegation: { type: 'client', acknowledgement_delay_ms: 0 } };
    expect(forkedConfig(clientDelegated, { delegation: { type: 'responses', responses: { model: 'gpt-5.4' } } })).toEqual({
      refusal: { code: 'invalid_value', param: 'session.delegation.type', message: expect.stringContaining("delegates to 'client'") },
    });
  });
});
