/**
 * What the parts of a `LiveClient` share. The client builds it once; its plain-function parts
 * (output audio, appends, delegations) read it instead of each taking a host object of their
 * own. `sessionId` and `generation` are the client's to write.
 */
import type { Clock } from '../base/clock';
import type { Connection, SafeEmit } from '../client/connection';
import type { EventWaiters } from '../client/event-waiters';
import type { LiveClientEvent, LiveServerEvent, UnknownLiveServerEvent } from '../events/live';
import type { Transport } from '../transport/transport';
import type { LiveClientEvents } from './live-client-events';
import type { LiveClientOptions } from './live-client-options';
import type { LiveTranscript } from './live-transcript';

/** A `LiveClient`'s shared parts (see the module's comment). */
export interface LiveContext {
  /** The app's options, as given. */
  readonly options: LiveClientOptions;
  /** The transport in use. */
  readonly transport: Transport;
  /** The connection: its phase, and a signal aborted when the client ends. */
  readonly connection: Connection;
  /** Where answers to client events arrive. */
  readonly waiters: EventWaiters<LiveServerEvent | UnknownLiveServerEvent>;
  /** The client's clock. */
  readonly clock: Clock;
  /** The client's emitter (a listener that throws is logged). */
  readonly emit: SafeEmit<LiveClientEvents>;
  /** The transcript, across sessions. */
  readonly transcript: LiveTranscript;
  /** Sends a client event now when a session is live; false, sending nothing, otherwise. */
  readonly send: (event: LiveClientEvent) => boolean;
  /** Makes a client event id. */
  readonly createId: (prefix: string) => string;
  /** The current session's id (`''` before the first). */
  sessionId: string;
  /** How many sessions have started (a delegation answered under an older one is orphaned). */
  generation: number;
}
