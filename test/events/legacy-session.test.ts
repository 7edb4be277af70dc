import { describe, expect, it } from 'vitest';
import { normalizeSessionConfig, serializeClientEvent } from '../../src/events';
import type { RealtimeSessionConfig, SessionConfigInput } from '../../src/events';
import { RealtimeError } from '../../src/base/errors';
import { thrown } from '../helpers/index';

function rejected(config: unknown): RealtimeError {
  return thrown(() => normalizeSessionConfig(config as SessionConfigInput), 'VOXWIRE_INVALID_SESSION_CONFIG');
}

describe('normalizeSessionConfig', () => {
  it('passes a GA config through unchanged, without a warning', () => {
    const config: RealtimeSessionConfig = {
      type: 'realtime',
      instructions: 'Be brief.',
      output_modalities: ['audio'],
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'semantic_vad' } }, output: { voice: 'marin' } },
      reasoning: { effort: 'low' },
      parallel_tool_calls: true,
    };
    expect(normalizeSessionConfig(config)).toEqual({ session: config });
  });

  it("fills in type 'realtime' on a partial config (a session.update may change one field)", () => {
    expect(normalizeSessionConfig({ instructions: 'x' })).toEqual({ session: { type: 'realtime', instructions: 'x' } });
    expect(normalizeSessionConfig({})).toEqual({ session: { type: 'realtime' } });
    expect(normalizeSessionConfig({ audio: {} })).toEqual({ session: { type: 'realtime', audio: {} } });
  });

  it.each([
    [{ modalities: ['text', 'audio'] }, { output_modalities: ['audio'] }, "modalities ['text', 'audio'] → output_modalities ['audio']"],
    [{ modalities: ['audio'] }, { output_modalities: ['audio'] }, "modalities ['audio'] → output_modalities ['audio']"],
    [{ modalities: ['text'] }, { output_modalities: ['text'] }, "modalities ['text'] → output_modalities ['text']"],
    [{ voice: 'sage' }, { audio: { output: { voice: 'sage' } } }, 'voice → audio.output.voice'],
    [{ speed: 1.2 }, { audio: { output: { speed: 1.2 } } }, 'speed → audio.output.speed'],
    [
      { input_audio_format: 'pcm16' },
      { audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } } },
      "input_audio_format 'pcm16' → audio.input.format { type: 'audio/pcm', rate: 24000 }",
    ],
    [
      { input_audio_format: 'g711_ulaw' },
      { audio: { input: { format: { type: 'audio/pcmu' } } } },
      "input_audio_format 'g711_ulaw' → audio.input.format { type: 'audio/pcmu' }",
    ],
    [
      { output_audio_format: 'g711_alaw' },
      { audio: { output: { format: { type: 'audio/pcma' } } } },
      "output_audio_format 'g711_alaw' → audio.output.format { type: 'audio/pcma' }",
    ],
    [
      { input_audio_transcription: { model: 'whisper-1' } },
      { audio: { input: { transcription: { model: 'whisper-1' } } } },
      'input_audio_transcription → audio.input.transcription',
    ],
    [{ input_audio_transcription: null }, { audio: { input: { transcription: null } } }, 'input_audio_transcription → audio.input.transcription'],
    [
      { input_audio_noise_reduction: { type: 'far_field' } },
      { audio: { input: { noise_reduction: { type: 'far_field' } } } },
      'input_audio_noise_reduction → audio.input.noise_reduction',
    ],
    [
      { turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true } },
      { audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true } } } },
      'turn_detection → audio.input.turn_detection',
    ],
    [{ turn_detection: null }, { audio: { input: { turn_detection: null } } }, 'turn_detection → audio.input.turn_detection'],
    [{ max_response_output_tokens: 'inf' }, { max_output_tokens: 'inf' }, 'max_response_output_tokens → max_output_tokens'],
    [{ max_response_output_tokens: 1024 }, { max_output_tokens: 1024 }, 'max_response_output_tokens → max_output_tokens'],
  ])('translates %j', (legacy, ga, note) => {
    const { session, warning } = normalizeSessionConfig(legacy as SessionConfigInput);
    expect(session).toEqual({ type: 'realtime', ...ga });
    expect(warning).toContain(`translated ${note}`);
    // The result is what session.update accepts.
    expect(() => serializeClientEvent({ type: 'session.update', session })).not.toThrow();
  });

  it('drops temperature (GA has none) and says so', () => {
    const { session, warning } = normalizeSessionConfig({ temperature: 0.8, instructions: 'x' });
    expect(session).toEqual({ type: 'realtime', instructions: 'x' });
    expect(warning).toBe(
      'voxwire: legacy (beta) session config converted to GA: dropped temperature (GA has no temperature setting). Use the GA shape to silence this warning.',
    );
  });

  it('translates the tutorial config in one go, with ONE warning listing everything', () => {
    const tutorial: SessionConfigInput = {
      modalities: ['text', 'audio'],
      instructions: 'You are a helpful assistant.',
      voice: 'sage',
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      input_audio_transcription: { model: 'whisper-1' },
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true },
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: {} } }],
      tool_choice: 'auto',
      temperature: 0.8,
      max_response_output_tokens: 'inf',
    };
    const { session, warning } = normalizeSessionConfig(tutorial);
    expect(session).toEqual({
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: 'You are a helpful assistant.',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'whisper-1' },
          turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500, create_response: true },
        },
        output: { voice: 'sage', format: { type: 'audio/pcm', rate: 24000 } },
      },
      tools: tutorial.tools,
      tool_choice: 'auto',
      max_output_tokens: 'inf',
    });
    expect(warning).toBe(
      "voxwire: legacy (beta) session config converted to GA: translated modalities ['text', 'audio'] → output_modalities ['audio']; " +
        "voice → audio.output.voice; input_audio_format 'pcm16' → audio.input.format { type: 'audio/pcm', rate: 24000 }; " +
        "output_audio_format 'pcm16' → audio.output.format { type: 'audio/pcm', rate: 24000 }; " +
        'input_audio_transcription → audio.input.transcription; turn_detection → audio.input.turn_detection; ' +
        'max_response_output_tokens → max_output_tokens. dropped temperature (GA has no temperature setting). ' +
        'Use the GA shape to silence this warning.',
    );
    expect(tutorial.voice).toBe('sage');
    expect('audio' in tutorial).toBe(false);
  });

  it('merges beta fields into GA audio settings given alongside, without mutating them', () => {
    const audio: RealtimeSessionConfig['audio'] = { input: { noise_reduction: { type: 'near_field' } }, output: { speed: 1.1 } };
    const { session } = normalizeSessionConfig({ audio, voice: 'cedar', input_audio_format: 'g711_alaw' });
    expect(session.audio).toEqual({
      input: { noise_reduction: { type: 'near_field' }, format: { type: 'audio/pcma' } },
      output: { speed: 1.1, voice: 'cedar' },
    });
    expect(audio).toEqual({ input: { noise_reduction: { type: 'near_field' } }, output: { speed: 1.1 } });
  });

  it('keeps every key of a GA audio object next to beta fields, a newer one included', () => {
    const { session } = normalizeSessionConfig({ voice: 'cedar', audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, spatial: { mode: 'binaural' } } } as never);
    expect(session.audio).toEqual({ input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { voice: 'cedar' }, spatial: { mode: 'binaural' } });
  });

  it('refuses a beta field next to its GA replacement, naming both', () => {
    expect(rejected({ voice: 'sage', audio: { output: { voice: 'marin' } } }).message).toBe(
      'session config rejected: it sets both `voice` (beta) and `audio.output.voice` (GA); keep only the GA field',
    );
    expect(rejected({ modalities: ['text'], output_modalities: ['audio'] }).path).toBe('modalities');
  });

  it.each([
    [{ input_audio_format: 'mp3' }, "session config rejected: `input_audio_format` must be one of 'pcm16', 'g711_ulaw', 'g711_alaw', got \"mp3\"", 'input_audio_format'],
    [{ modalities: ['video'] }, "`modalities[0]` must be one of 'text', 'audio', got \"video\"", 'modalities[0]'],
    [{ temperature: 'hot' }, '`temperature` must be a number, got "hot"', 'temperature'],
    [{ max_response_output_tokens: 'infinite' }, '`max_response_output_tokens` must be a number or \'inf\', got "infinite"', 'max_response_output_tokens'],
    [{ turn_detection: { type: 'client_vad' } }, "`turn_detection.type` must be one of 'server_vad', 'semantic_vad', got \"client_vad\"", 'turn_detection.type'],
    [{ type: 'translation' }, "`type` must be 'realtime' or 'transcription', got \"translation\"", 'type'],
    [{ audio: { output: { voice: 5 } } }, '`audio.output.voice` must be a string or an object, got 5', 'audio.output.voice'],
  ])('refuses %j naming the field', (config, message, path) => {
    const error = rejected(config);
    expect(error.message).toContain(message);
    expect(error.path).toBe(path);
  });

  it('keeps a field it does not know (a newer API setting) unless strict, which refuses it', () => {
    expect(normalizeSessionConfig({ instructions: 'hi', future_knob: { level: 2 } } as SessionConfigInput)).toEqual({
      session: { type: 'realtime', instructions: 'hi', future_knob: { level: 2 } },
    });
    expect(normalizeSessionConfig({ audio: { input: { turn_detection: { type: 'server_vad', future_ms: 5 } } } } as SessionConfigInput).session).toEqual({
      type: 'realtime',
      audio: { input: { turn_detection: { type: 'server_vad', future_ms: 5 } } },
    });
    const error = thrown(() => normalizeSessionConfig({ voic: 'sage' } as SessionConfigInput, { strict: true }), 'VOXWIRE_INVALID_SESSION_CONFIG');
    expect(error.message).toBe('session config rejected: unknown field `voic`');
    expect(error.path).toBe('voic');
  });

  it.each([null, 'config', 42, []])('refuses a non-object %j', (config) => {
    expect(rejected(config).message).toMatch(/^session config must be an object, got /);
  });

  it('normalizes a transcription session, translating the beta input fields', () => {
    const { session, warning } = normalizeSessionConfig({
      type: 'transcription',
      input_audio_format: 'pcm16',
      input_audio_transcription: { model: 'gpt-4o-transcribe', language: 'en' },
      turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
      include: ['item.input_audio_transcription.logprobs'],
    });
    expect(session).toEqual({
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'gpt-4o-transcribe', language: 'en' },
          turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
        },
      },
      include: ['item.input_audio_transcription.logprobs'],
    });
    expect(warning).toContain("input_audio_format 'pcm16' → audio.input.format");
    expect(rejected({ type: 'transcription', voice: 'marin' }).message).toBe('session config rejected: unknown field `voice`');
  });
});
