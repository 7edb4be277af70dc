import { describe, expect, it } from 'vitest';
import { serializeLiveClientEvent } from '../../src/events/live';
import { readLiveAnswer } from '../../src/live/live-protocol';

describe('readLiveAnswer', () => {
  it('reads the JSON of POST /v1/live/sessions and plain SDP from an app server', () => {
    expect(readLiveAnswer('{"session":{"id":"live_1"},"transport":{"type":"webrtc","sdp":"v=0\\r\\n"}}', null)).toEqual({ sdp: 'v=0\r\n', callId: 'live_1' });
    expect(readLiveAnswer('v=0\r\n', '/api/live/sessions/live_2')).toEqual({ sdp: 'v=0\r\n', callId: 'live_2' });
    expect(readLiveAnswer('{"error":{"message":"no"}}', null)).toBeUndefined();
  });
});

describe("serializeLiveClientEvent: a fork's session.start", () => {
  it('takes fork overrides without a model, refuses a start config without one, and refuses a field a fork cannot change', () => {
    expect(JSON.parse(serializeLiveClientEvent({ type: 'session.start', session: { store: true, audio: { format: { type: 'audio/pcm', rate: 24000 } } } } as never))).toMatchObject({
      type: 'session.start',
      session: { store: true },
    });
    expect(() => serializeLiveClientEvent({ type: 'session.start', session: { instructions: 'Hi' } } as never)).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT', path: 'session.model' }));
    expect(() => serializeLiveClientEvent({ type: 'session.start', session: { store: 'yes' } } as never)).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT' }));
  });
});
