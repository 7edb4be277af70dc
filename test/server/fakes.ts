import type { ResolvedSessionPolicy } from '../../src/server/core/policy';
import type { RelaySocket } from '../../src/server/core/socket';

/** A RelaySocket that records what the relay does with it. */
export class FakeSocket implements RelaySocket {
  readonly sent: Array<string | Uint8Array> = [];
  closed: { code: number; reason: string } | undefined;
  bufferedAmount = 0;
  paused = false;

  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Every frame sent, parsed. */
  events(): Array<Record<string, unknown>> {
    return this.sent.map((frame) => JSON.parse(typeof frame === 'string' ? frame : new TextDecoder().decode(frame)) as Record<string, unknown>);
  }

  /** The types of every frame sent. */
  types(): string[] {
    return this.events().map((event) => event.type as string);
  }

  /** Frames sent of one type. */
  ofType(type: string): Array<Record<string, unknown>> {
    return this.events().filter((event) => event.type === type);
  }
}

/** A frame as `ws` hands it over: the UTF-8 bytes. */
export function frame(event: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}

/** An `input_audio_buffer.append` of `ms` milliseconds of 24 kHz PCM16 silence. */
export function appendFrame(ms: number): Uint8Array {
  return frame({ type: 'input_audio_buffer.append', audio: Buffer.alloc(ms * 48).toString('base64') });
}

/** A GA `session.created` / `session.updated`. */
export function sessionEvent(type: 'session.created' | 'session.updated', session: Record<string, unknown> = {}): Uint8Array {
  return frame({ type, event_id: `evt_${type}`, session: { type: 'realtime', object: 'realtime.session', id: 'sess_1', model: 'gpt-realtime-2.1', ...session } });
}

/** A session policy that allows everything, with `overrides`. */
export function testPolicy(overrides: Partial<ResolvedSessionPolicy> = {}): ResolvedSessionPolicy {
  return {
    locked: undefined,
    voices: undefined,
    maxOutputTokens: undefined,
    clientTools: 'passthrough',
    serverToolNames: new Set(),
    serverToolDeclarations: [],
    allowSystemMessages: true,
    ...overrides,
  };
}
