import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, DEFAULT_PRICES, DEFAULT_TRANSCRIPTION_MODEL } from '../../src/base/defaults';
import { isRealtimeError } from '../../src/base/errors';
import { KNOWN_MODELS, MODEL_SHUTDOWN_WARNING_DAYS, checkModel, findModel, modelLifecycle } from '../../src/base/models';
import type { KnownRealtimeModel } from '../../src/events/session';
import type { KnownTranscriptionModel } from '../../src/events/audio';

const DEFAULTS: ReadonlyArray<[string, string, 'realtime' | 'transcription']> = [
  ['DEFAULT_MODEL', DEFAULT_MODEL, 'realtime'],
  ['DEFAULT_TRANSCRIPTION_MODEL', DEFAULT_TRANSCRIPTION_MODEL, 'transcription'],
];

describe('model lifecycle', () => {
  it.each(DEFAULTS)('%s (%s) is a known %s model with no announced shutdown', (_name, model, kind) => {
    const info = findModel(model);
    expect(info, `${model} is in KNOWN_MODELS`).toBeDefined();
    expect(info!.sessionKinds).toContain(kind);
    expect(info!.shutdownDate).toBeUndefined();
  });

  it('every replacement is a known model without a shutdown date of its own', () => {
    for (const model of KNOWN_MODELS) {
      if (model.shutdownDate === undefined) {
        expect(model.replacement).toBeUndefined();
        continue;
      }
      expect(model.shutdownDate).toMatch(/^\d{4}-\d\d-\d\d$/);
      const replacement = findModel(model.replacement!);
      expect(replacement, `${model.name} → ${model.replacement}`).toBeDefined();
      expect(replacement!.shutdownDate).toBeUndefined();
      expect(replacement!.sessionKinds).toEqual(model.sessionKinds);
    }
  });

  it('lists the shutdowns the openai types announce', () => {
    const dates = Object.fromEntries(KNOWN_MODELS.filter((m) => m.shutdownDate).map((m) => [m.name, m.shutdownDate]));
    expect(dates).toEqual({
      'gpt-realtime': '2027-01-20',
      'gpt-realtime-2025-08-28': '2027-01-20',
      'gpt-realtime-mini': '2027-01-20',
      'gpt-realtime-mini-2025-12-15': '2027-01-20',
      'gpt-audio-mini': '2027-01-20',
      'gpt-audio-mini-2025-12-15': '2027-01-20',
      'whisper-1': '2027-02-26',
      'gpt-4o-transcribe': '2027-02-26',
      'gpt-4o-transcribe-diarize': '2027-02-26',
      'gpt-4o-mini-transcribe': '2027-02-26',
      'gpt-4o-mini-transcribe-2025-12-15': '2027-02-26',
    });
  });

  it('knows every realtime and transcription model name of the schemas (and so of the openai types)', () => {
    const realtime: Record<KnownRealtimeModel, true> = {
      'gpt-realtime': true, 'gpt-realtime-1.5': true, 'gpt-realtime-2': true, 'gpt-realtime-2.1': true,
      'gpt-realtime-2.1-mini': true, 'gpt-realtime-2025-08-28': true, 'gpt-realtime-mini': true,
      'gpt-realtime-mini-2025-10-06': true, 'gpt-realtime-mini-2025-12-15': true, 'gpt-audio-1.5': true,
      'gpt-audio-mini': true, 'gpt-audio-mini-2025-10-06': true, 'gpt-audio-mini-2025-12-15': true,
    };
    const transcription: Record<KnownTranscriptionModel, true> = {
      'whisper-1': true, 'gpt-transcribe': true, 'gpt-live-transcribe': true, 'gpt-4o-mini-transcribe': true,
      'gpt-4o-mini-transcribe-2025-12-15': true, 'gpt-4o-transcribe': true, 'gpt-4o-transcribe-diarize': true,
      'gpt-realtime-whisper': true,
    };
    for (const name of Object.keys(realtime)) expect(findModel(name)?.sessionKinds, name).toEqual(['realtime']);
    for (const name of Object.keys(transcription)) expect(findModel(name)?.sessionKinds, name).toEqual(['transcription']);
  });

  it('is current, then shutting down within the warning window, then shut down from 00:00 UTC of the date', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(modelLifecycle('gpt-realtime', at('2026-11-20T23:59:59Z'))).toMatchObject({ status: 'current' });
    expect(MODEL_SHUTDOWN_WARNING_DAYS).toBe(60);
    expect(modelLifecycle('gpt-realtime', at('2026-11-21T00:00:01Z'))).toMatchObject({
      status: 'shutting_down',
      shutdownDate: '2027-01-20',
      daysLeft: 59,
      replacement: 'gpt-realtime-2.1',
    });
    expect(modelLifecycle('gpt-realtime', at('2027-01-19T23:59:59Z'))).toMatchObject({ status: 'shutting_down', daysLeft: 0 });
    expect(modelLifecycle('gpt-realtime', new Date('2027-01-20T00:00:00Z'))).toMatchObject({ status: 'shut_down', replacement: 'gpt-realtime-2.1' });
    expect(modelLifecycle('gpt-realtime-2.1', at('2030-01-01T00:00:00Z'))).toMatchObject({ status: 'current' });
  });

  it('never refuses a model it does not know', () => {
    expect(modelLifecycle('gpt-realtime-3-preview', Date.now())).toEqual({ status: 'unknown', model: 'gpt-realtime-3-preview' });
  });

  it('prices every default and every realtime model at the rates of its own family', () => {
    const priceOf = (model: string) => {
      let best: string | undefined;
      for (const name of Object.keys(DEFAULT_PRICES)) if (model.startsWith(name) && (!best || name.length > best.length)) best = name;
      return best === undefined ? undefined : DEFAULT_PRICES[best];
    };
    expect(priceOf(DEFAULT_MODEL)).toEqual(DEFAULT_PRICES['gpt-realtime-2']);
    expect(priceOf('gpt-realtime-2.1-mini')?.audioOutput).toBe(20);
    expect(priceOf('gpt-realtime-2025-08-28')?.textOutput).toBe(16);
    expect(priceOf('gpt-realtime-mini-2025-12-15')?.audioInput).toBe(10);
    for (const model of KNOWN_MODELS.filter((m) => m.sessionKinds.includes('realtime') && !m.name.startsWith('gpt-audio'))) {
      expect(priceOf(model.name), model.name).toBeDefined();
    }
  });
});

describe('checkModel (the rule the client and the relay share)', () => {
  const at = (iso: string) => Date.parse(iso);

  it('refuses a model past its shutdown with VOXWIRE_MODEL_SHUT_DOWN naming the replacement', () => {
    const check = checkModel('gpt-4o-transcribe', at('2027-02-26T00:00:00Z'), 'client', 'session.audio.input.transcription.model');
    expect(check.action).toBe('refuse');
    if (check.action !== 'refuse') return;
    expect(isRealtimeError(check.error, 'VOXWIRE_MODEL_SHUT_DOWN')).toBe(true);
    expect(check.error.path).toBe('session.audio.input.transcription.model');
    expect(check.error.message).toBe(
      'Model `gpt-4o-transcribe` was shut down on 2027-02-26 (announced by OpenAI); the API no longer serves it: use `gpt-live-transcribe` instead.',
    );
  });

  it('warns within the 60-day window, with the days left and the replacement', () => {
    expect(checkModel('gpt-realtime-mini', at('2027-01-10T12:00:00Z'), 'relay')).toEqual({
      action: 'warn',
      warning: { model: 'gpt-realtime-mini', shutdownDate: '2027-01-20', daysLeft: 9, replacement: 'gpt-realtime-2.1-mini', source: 'relay' },
      message: 'Model `gpt-realtime-mini` shuts down on 2027-01-20 (in 9 days, announced by OpenAI): move to `gpt-realtime-2.1-mini`.',
    });
  });

  it('does nothing for a current model, a model far from its shutdown, or an unknown name', () => {
    expect(checkModel('gpt-realtime-2.1', at('2040-01-01T00:00:00Z'), 'client')).toEqual({ action: 'none' });
    expect(checkModel('gpt-realtime', at('2026-06-01T00:00:00Z'), 'client')).toEqual({ action: 'none' });
    expect(checkModel('gpt-realtime-9-preview', at('2040-01-01T00:00:00Z'), 'client')).toEqual({ action: 'none' });
  });
});

describe('GPT-Live models', () => {
  it('knows gpt-live-1 and gpt-live-1.1 as Live models with no shutdown date', () => {
    for (const name of ['gpt-live-1', 'gpt-live-1.1']) {
      expect(findModel(name)).toMatchObject({ name, sessionKinds: ['live'] });
      expect(modelLifecycle(name, Date.parse('2026-12-06T00:00:00Z')).status).toBe('current');
    }
  });
});
