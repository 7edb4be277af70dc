/**
 * How a transport turns client events into frames: its protocol's serialize, its frame cap,
 * strict mode, and each field or value the schemas do not know logged once per (event type,
 * path) for the transport's lifetime, so a newer API field in a `session.update` sent on every
 * reconnect warns once, not every time.
 */
import { DEFAULT_MAX_CLIENT_FRAME_BYTES } from '../base/defaults';
import type { ClientEventInput } from '../events/client-events';
import type { SerializeOptions } from '../events/serialize';
import type { TransportProtocol } from './transport';
import { consoleLogger } from '../base/logger';
import type { Logger } from '../base/logger';

/** The transport options it reads. */
export interface ClientEventSerializerOptions {
  /** Refuse unknown fields and values instead of sending them with a warning. @default the protocol's (false for conversations) */
  strict?: boolean;
  /** Where the warnings go. @default consoleLogger */
  logger?: Logger;
  /** Largest client frame sent. @default 16 MiB */
  maxClientFrameBytes?: number;
}

/** Returns the function a transport serializes every outgoing event with, given its protocol. */
export function createClientEventSerializer(options: ClientEventSerializerOptions): (event: ClientEventInput, protocol: Pick<TransportProtocol, 'serialize'>) => string {
  const logger = options.logger ?? consoleLogger;
  const warned = new Set<string>();
  const serializeOptions: SerializeOptions = {
    maxFrameBytes: options.maxClientFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES,
    // Left out when not given, so each protocol keeps its own default.
    ...(options.strict === undefined ? {} : { strict: options.strict }),
    onWarning: (warning) => {
      const key = `${warning.eventType} ${warning.path}`;
      if (warned.has(key)) return;
      warned.add(key);
      logger.warn(warning.message, { eventType: warning.eventType, path: warning.path });
    },
  };
  return (event, protocol) => protocol.serialize(event, serializeOptions);
}
