/**
 * The client's side of tool calls: the options of the dispatcher that runs them
 * (tools/dispatcher-core, loaded while the first session is set up), whose host sends through
 * the outbox, asks the client for responses, and emits the client's tool events.
 */
import type { Clock } from '../base/clock';
import { DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE, DEFAULT_TOOL_TIMEOUT_MS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { ResponseCreateParams } from '../events/response';
import type { RealtimeSessionConfig } from '../events/session';
import type { DispatcherCoreOptions } from '../tools/dispatcher-core';
import type { ToolRegistry } from '../tools/registry';
import type { RealtimeClientOptions } from './client-options';
import { sendLive, type Outbox } from './outbox';

/** What the dispatcher's host asks of the client itself. */
export interface ToolClient {
  readonly tools: ToolRegistry;
  createResponse(response?: ResponseCreateParams): unknown;
  listenerCount(name: string): number;
}

/**
 * The dispatcher's options: the client's tools on the outbox's clock, `autoRespond` and `toolTimeoutMs` from the
 * client's options; a follow-up response is asked for only while live, and the tool choice in
 * force is the session's.
 */
export function dispatcherOptions(
  out: Outbox & { readonly clock: Clock },
  client: ToolClient,
  session: { readonly toolChoice: RealtimeSessionConfig['tool_choice'] },
  options: RealtimeClientOptions,
): DispatcherCoreOptions {
  return {
    tools: client.tools,
    host: {
      sendEvent: (event) => sendLive(out, event),
      requestResponse: (params) => {
        if (out.connection.phase === 'live') client.createResponse(params);
      },
      conversation: out.conversation,
      emit: (name, event) => {
        const listened = client.listenerCount(name) > 0;
        out.emit(name, event as never);
        return listened;
      },
      getToolChoice: () => session.toolChoice,
    },
    clock: out.clock,
    autoRespond: options.autoRespond ?? true,
    followUpToolChoice: DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE,
    defaultTimeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    errorClass: RealtimeError,
  };
}
