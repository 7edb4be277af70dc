/**
 * What each error code means: the source of the table in docs/errors.md
 * (`node --import tsx scripts/errors-doc.mjs`). Documentation only: the library never imports
 * this module, so apps do not ship these sentences. Typed so that a new code without a
 * description fails the type check.
 */
import type { RealtimeErrorCode } from './errors';

/** Each {@link RealtimeErrorCode} and what it means. */
export const ERROR_DESCRIPTIONS: Readonly<Record<RealtimeErrorCode, string>> = {
  VOXWIRE_INVALID_JSON: 'An incoming frame was not valid JSON (or not a JSON object).',
  VOXWIRE_INVALID_EVENT:
    'An incoming frame was JSON but did not match the schema of its event type (or had no `type`).',
  VOXWIRE_FRAME_TOO_LARGE: 'A frame exceeded the configured size cap for its direction.',
  VOXWIRE_INVALID_CLIENT_EVENT:
    'An outgoing client event failed validation before it was sent; nothing was sent.',
  VOXWIRE_INVALID_SESSION_CONFIG:
    'A session config could not be translated to a valid GA config; nothing was sent.',
  VOXWIRE_INVALID_ARGUMENT: 'A method or constructor received an argument of the wrong type or value.',
  VOXWIRE_SERVER_ERROR: 'The Realtime server sent an `error` event; `serverError` holds it.',
  VOXWIRE_CONNECTION_FAILED: 'The connection could not be opened (network, DNS, refused upgrade).',
  VOXWIRE_CONNECTION_CLOSED: 'The connection closed while an operation was waiting on it.',
  VOXWIRE_NOT_CONNECTED: 'An operation needs a connected session and there is none.',
  VOXWIRE_AUTHENTICATION_FAILED: 'The server refused the credentials (HTTP 401/403 or close code 4003).',
  VOXWIRE_INSECURE_KEY:
    'A standard API key was about to be used in a browser page; use an ephemeral key or opt in explicitly.',
  VOXWIRE_MISSING_API_KEY:
    'A connection to the OpenAI API was about to open with no key; pass `apiKey` (an ephemeral key in a browser) or point `url` at your relay.',
  VOXWIRE_NO_WEBSOCKET: 'No WebSocket implementation was found (install `ws` or pass `createWebSocket`).',
  VOXWIRE_SESSION_EXPIRED: 'The session reached its time limit or budget and ended; start a new one.',
  VOXWIRE_POLICY_VIOLATION: 'A relay refused an event or session under its policy (close code 4004).',
  VOXWIRE_VOICE_LOCKED: 'The voice cannot change once the model has spoken in a session.',
  VOXWIRE_TIMEOUT: 'An operation did not finish within its time limit.',
  VOXWIRE_ABORTED: 'An operation was aborted through its AbortSignal or by disconnect().',
  VOXWIRE_RECONNECT_FAILED: 'Reconnection gave up after the reconnect policy returned no further delay.',
  VOXWIRE_TOOL_NOT_FOUND: 'The model called a tool that is not registered.',
  VOXWIRE_TOOL_INVALID_ARGUMENTS: 'A tool call carried arguments that are not JSON or fail the tool schema.',
  VOXWIRE_TOOL_FAILED: 'A tool threw or rejected; the model received the error as the output.',
  VOXWIRE_TOOL_TIMEOUT: 'A tool did not finish within its `timeoutMs`.',
  VOXWIRE_TOOL_REJECTED: 'A tool call that needed approval was rejected.',
  VOXWIRE_AUDIO_UNSUPPORTED: 'The audio format or device is not supported here.',
  VOXWIRE_AUDIO_DEVICE: 'The microphone or output device could not be opened or was lost.',
  VOXWIRE_BUDGET_EXHAUSTED: 'A per-user budget was used up (close code 4002).',
  VOXWIRE_CONCURRENCY_LIMIT: 'A per-user concurrent-session limit was reached.',
  VOXWIRE_UPSTREAM_ERROR: 'The upstream API answered an HTTP call with an error (the body is kept), or a relay lost its upstream connection.',
  VOXWIRE_EXPECTATION_FAILED: 'A voxwire/testing assertion (`expectEvent`, `expectNoEvent`) did not hold.',
  VOXWIRE_MODEL_SHUT_DOWN:
    "The session's model is past its announced shutdown date; the message names the replacement. Refused before any network call (client) or before the session opens (relay).",
  VOXWIRE_DELEGATION_FAILED:
    "GPT-Live: the app's delegate handler threw, or the server refused a commentary or thinking append of a delegation (`serverError` holds why).",
  VOXWIRE_DELEGATION_ORPHANED:
    "GPT-Live: a delegation's result came after the session that delegated it ended (its id is valid only there); it was not sent as that delegation's answer.",
  VOXWIRE_WEBHOOK_INVALID:
    'A webhook delivery failed verification: a missing `webhook-*` header, a timestamp outside the replay window, or no signature that matches the body under the secret.',
};
