/** The small logger the SDK writes to. Pass your own (pino, winston, console) or `silentLogger`. */
export interface Logger {
  /** Detail that helps when debugging; {@link consoleLogger} discards it. */
  debug(message: string, details?: Record<string, unknown>): void;
  /** Routine notes; {@link consoleLogger} discards them. */
  info(message: string, details?: Record<string, unknown>): void;
  /** Something unexpected that the SDK worked around. */
  warn(message: string, details?: Record<string, unknown>): void;
  /** A failure the SDK could not handle on its own, such as an event listener that threw. */
  error(message: string, details?: Record<string, unknown>): void;
}

/** Discards everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * The default: warnings and errors to the console, prefixed `[voxwire]`; debug and info
 * discarded. This is the one place library code touches `console`.
 */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message, details) => globalThis.console.warn(`[voxwire] ${message}`, ...(details ? [details] : [])),
  error: (message, details) => globalThis.console.error(`[voxwire] ${message}`, ...(details ? [details] : [])),
};
