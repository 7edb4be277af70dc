import { describe, expect, it } from 'vitest';
import { createMockSession, mergeSessionUpdate, voiceKey } from '../../../src/testing/mock/session-config';

const base = () => createMockSession({ id: 'sess_1', model: 'gpt-realtime-2.1', expiresAtSeconds: 100 });

describe('createMockSession', () => {
  it('applies sessionDefaults over the API defaults', () => {
    const session = createMockSession({
      id: 'sess_1',
      model: 'gpt-realtime-2.1',
      expiresAtSeconds: 100,
      defaults: { instructions: 'Hi', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 200 } } } },
    });
    expect(session.instructions).toBe('Hi');
    expect(session.audio.input.turn_detection).toMatchObject({ silence_duration_ms: 200, threshold: 0.5, prefix_padding_ms: 300 });
    expect(session.type).toBe('realtime');
  });
});

describe('mergeSessionUpdate', () => {
  it('replaces formats, voices and tool lists instead of merging them', () => {
    const merged = mergeSessionUpdate(base(), {
      type: 'realtime',
      audio: { output: { format: { type: 'audio/pcmu' }, voice: { id: 'voice_custom' } } },
      tools: [],
      tool_choice: 'required',
    });
    expect(merged.audio.output.format).toEqual({ type: 'audio/pcmu' });
    expect(merged.audio.output.voice).toEqual({ id: 'voice_custom' });
    expect(merged.tool_choice).toBe('required');
    expect(merged.audio.output.speed).toBe(1);
  });

  it('switches turn detection kinds cleanly and keeps identity fields', () => {
    const semantic = mergeSessionUpdate(base(), { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad' } } } });
    expect(semantic.audio.input.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true });
    const back = mergeSessionUpdate(semantic, { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.8 } } } });
    expect(back.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.8,
      prefix_padding_ms: 300,
      silence_duration_ms: 500,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(back.id).toBe('sess_1');
    expect(back.expires_at).toBe(100);
  });

  it('turns settings off with null and never mutates its input', () => {
    const session = base();
    const snapshot = structuredClone(session);
    const merged = mergeSessionUpdate(session, { type: 'realtime', audio: { input: { turn_detection: null, transcription: { model: 'whisper-1' } } } });
    expect(merged.audio.input.turn_detection).toBeNull();
    expect(merged.audio.input.transcription).toEqual({ model: 'whisper-1', language: null, prompt: '' });
    expect(mergeSessionUpdate(merged, { type: 'realtime', audio: { input: { transcription: null } } }).audio.input.transcription).toBeNull();
    expect(session).toEqual(snapshot);
  });

  it('compares voices by name or custom id', () => {
    expect(voiceKey('marin')).toBe('marin');
    expect(voiceKey({ id: 'v1' })).toBe('id:v1');
    expect(voiceKey({ id: 'v1' })).not.toBe(voiceKey('v1'));
  });
});
