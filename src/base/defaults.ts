/**
 * Every default of the SDK, in one place. Options types document these with `@default`;
 * modules resolve user options against them once, into fully-required internal types.
 */

/** The GA Realtime WebSocket endpoint. */
export const DEFAULT_REALTIME_URL = 'wss://api.openai.com/v1/realtime';

/** The REST base of the OpenAI API (client secrets, WebRTC calls). */
export const DEFAULT_API_BASE_URL = 'https://api.openai.com/v1';

/** The WebRTC endpoint of the Realtime API: the browser POSTs its SDP offer here. */
export const DEFAULT_WEBRTC_CALLS_URL = 'https://api.openai.com/v1/realtime/calls';

/**
 * The model used when none is given: `gpt-realtime-2.1`, the current Realtime model (the
 * `openai` types mark `gpt-realtime` and `gpt-realtime-mini` for shutdown on 2027-01-20, and
 * OpenAI's deprecations page names `gpt-realtime-2.1` as the replacement). A test holds every
 * default against the lifecycle table in `models.ts`.
 */
export const DEFAULT_MODEL = 'gpt-realtime-2.1';

/**
 * The input transcription model used where voxwire picks one (demo, examples, the mock's
 * transcription sessions): `gpt-live-transcribe`, OpenAI's replacement for live audio of
 * `whisper-1` and the `gpt-4o-*-transcribe` models, which shut down on 2027-02-26.
 */
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-live-transcribe';

/**
 * The translation model (`TranslationClient`, the translation mock and key handlers):
 * `gpt-realtime-translate`, the model OpenAI's "Realtime translation" guide names for
 * translation sessions; the `openai` types give it no shutdown date.
 */
export const DEFAULT_TRANSLATION_MODEL = 'gpt-realtime-translate';

/**
 * The translation WebSocket endpoint: translation sessions connect to
 * `/v1/realtime/translations` (`prepareRequest` in the `openai` package's
 * `resources/realtime/translations/websocket-binding`, and OpenAI's "Realtime translation" guide).
 */
export const DEFAULT_TRANSLATION_URL = 'wss://api.openai.com/v1/realtime/translations';

/**
 * The translation WebRTC endpoint the browser POSTs its SDP offer to. The `openai` 7.60.0 types
 * model only the translation client secrets (`/realtime/translations/client_secrets`); this path
 * follows OpenAI's "Realtime translation" guide, whose browser example posts the offer to
 * `/v1/realtime/translations/calls` with the translation client secret.
 */
// A plain literal, not a template: a bundler keeps a template with a substitution even when unused.
export const DEFAULT_TRANSLATION_CALLS_URL = 'https://api.openai.com/v1/realtime/translations/calls';

/** How long `TranslationClient.finish()` waits for `session.closed` after `session.close`. */
export const DEFAULT_TRANSLATION_FINISH_TIMEOUT_MS = 10_000;

// GPT-Live client (voxwire/live).

/**
 * The Live model `LiveClient` starts sessions with when the session names none: `gpt-live-1`,
 * the model of the `openai` 7.60.0 Live types (no shutdown date announced).
 */
export const DEFAULT_LIVE_MODEL = 'gpt-live-1';

/**
 * The GPT-Live WebSocket endpoint (`LiveWS` in the `openai` package): no query; the model goes
 * in the first message, `session.start`.
 */
export const DEFAULT_LIVE_URL = 'wss://api.openai.com/v1/live/sessions';

/**
 * Where a WebRTC Live session is created (`POST /v1/live/sessions`, `client.live.create` in the
 * `openai` package). Only a server (or a local demo with a standard key) calls it: GPT-Live has
 * no ephemeral keys.
 */
export const DEFAULT_LIVE_SESSIONS_URL = 'https://api.openai.com/v1/live/sessions';

/** How long `LiveClient.close()` waits for `session.closed` (the server drains delegations and speech first). */
export const DEFAULT_LIVE_CLOSE_TIMEOUT_MS = 10_000;

/**
 * A gap on the session timeline, between two transcript fragments of one speaker, that starts
 * a new turn (Pipecat groups GPT-Live transcripts with a 0.8 s gap).
 */
export const DEFAULT_LIVE_TURN_SILENCE_GAP_MS = 800;

/** With no transcript fragment for this long (client clock), open turns end. */
export const DEFAULT_LIVE_TURN_INACTIVITY_MS = 2000;

/**
 * Characters of transcript a reconnect seeds the new session with (`session.input`). GPT-Live
 * takes about 8,192 tokens of startup history, at most 128 messages.
 */
export const DEFAULT_LIVE_HISTORY_BUDGET_CHARS = 24_000;

/**
 * Tokens per `session.commentary.append` / `session.thinking.append`: GPT-Live takes at most 500
 * each; 450 leaves room for the estimate's error (Pipecat budgets 450 too). Longer text is split.
 */
export const DEFAULT_LIVE_APPEND_MAX_TOKENS = 450;

/** How long an append waits for its `*.appended` acknowledgement. */
export const DEFAULT_LIVE_APPEND_TIMEOUT_MS = 10_000;

/**
 * How long `createLiveSessionHandler` with a relay keeps trying to attach the relay's sideband
 * to a browser's WebRTC session after answering its offer: the session can be attached to once
 * the browser's peer has connected.
 */
export const DEFAULT_LIVE_ATTACH_TIMEOUT_MS = 30_000;

/**
 * GPT-Live list prices in US dollars per minute of session, for cost *estimates*: OpenAI's model
 * pages as checked on 2026-12-06 (`gpt-live-1`: $0.05/min billed per second; `gpt-live-1.1`:
 * $0.05/min active, $0.02/min standby while inference is paused). Delegated backend work
 * (Responses) is billed separately.
 */
export const DEFAULT_LIVE_PRICES_AS_OF = '2026-12-06';

/** Per-minute prices of one Live model, in US dollars. */
export interface LiveModelPrices {
  /** A minute of active session. */
  activePerMinute: number;
  /** A minute of standby (inference paused), where the model has that rate. */
  standbyPerMinute?: number;
}

/** The default Live price table, by model name prefix (longest prefix wins). */
export const DEFAULT_LIVE_PRICES: Readonly<Record<string, LiveModelPrices>> = {
  'gpt-live-1': { activePerMinute: 0.05 },
  'gpt-live-1.1': { activePerMinute: 0.05, standbyPerMinute: 0.02 },
};

/**
 * Largest client frame accepted by serialize/parse. The API accepts an
 * `input_audio_buffer.append` of up to 15 MiB of base64; this cap sits above it.
 */
export const DEFAULT_MAX_CLIENT_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Largest server frame accepted by parse. `conversation.item.retrieved` can carry a whole
 * item's audio as base64, so this is generous.
 */
export const DEFAULT_MAX_SERVER_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * Strict mode for client events (serialize, parseClientEvent, transports): off, so a field,
 * enum value or `type` newer than voxwire is sent as given with one warning instead of refused.
 */
export const DEFAULT_STRICT_CLIENT_EVENTS = false;

/** First reconnect delay ceiling. */
export const DEFAULT_RECONNECT_INITIAL_DELAY_MS = 1000;
/** Growth of the reconnect delay ceiling per attempt. */
export const DEFAULT_RECONNECT_MULTIPLIER = 2;
/** Largest reconnect delay ceiling. */
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;
/** Reconnect attempts before the client gives up and goes to `closed`. */
export const DEFAULT_RECONNECT_MAX_ATTEMPTS = 10;

/** How long `connect()` waits for the server to confirm the session. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * Characters of transcript replayed into a new session after a reconnect (latest items
 * first). About 4 characters a token: ~8k tokens of context, well inside the model's window.
 */
export const DEFAULT_REPLAY_BUDGET_CHARS = 32_000;

/** How long before `maxDurationMs` or `endAfterIdleMs` the client emits `sessionEnding`. */
export const DEFAULT_SESSION_ENDING_WARNING_MS = 30_000;

/**
 * The upstream session cap (60 minutes today): the one place it is written. The client's
 * `rotateBeforeMs` counts back from it, the mock expires sessions at it.
 */
export const DEFAULT_UPSTREAM_SESSION_MAX_MS = 60 * 60 * 1000;

/** The audio format of a session that names none: PCM16 at 24 kHz, as the API assumes. */
export const DEFAULT_AUDIO_FORMAT: { readonly type: 'audio/pcm'; readonly rate: 24000 } = { type: 'audio/pcm', rate: 24000 };

/** Delay that folds several tool-registry changes into one `session.update`. */
export const DEFAULT_TOOLS_SYNC_DEBOUNCE_MS = 25;

/**
 * How long a tool's `execute` may run before it is aborted and the model is told it timed
 * out. Long enough for a slow HTTP API; short enough that a voice user is not left in silence.
 */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/**
 * The `tool_choice` of the follow-up response after tool outputs, when the turn was forced
 * (`required` or a named function): without it the model would have to call a tool again,
 * and the turn would never end.
 */
export const DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE = 'auto';

/**
 * Prices in US dollars per million tokens, for cost *estimates* only: list prices on OpenAI's
 * model pages as checked on 2026-12-06. Override with `prices` when they change or when you
 * have a negotiated rate.
 */
export const DEFAULT_PRICES_AS_OF = '2026-12-06';

/** Per-million-token prices of one model, in US dollars. */
export interface ModelPrices {
  /** Text input tokens. */
  textInput: number;
  /** Cached text input tokens. */
  cachedTextInput: number;
  /** Text output tokens. */
  textOutput: number;
  /** Audio input tokens. */
  audioInput: number;
  /** Cached audio input tokens. */
  cachedAudioInput: number;
  /** Audio output tokens. */
  audioOutput: number;
}

/**
 * The default price table, by model name prefix (longest prefix wins). The reasoning models
 * (`gpt-realtime-2`, `-2.1`) bill text output, reasoning included, at 24 per million.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrices>> = {
  'gpt-realtime-2': { textInput: 4, cachedTextInput: 0.4, textOutput: 24, audioInput: 32, cachedAudioInput: 0.4, audioOutput: 64 },
  'gpt-realtime-2.1-mini': { textInput: 0.6, cachedTextInput: 0.06, textOutput: 2.4, audioInput: 10, cachedAudioInput: 0.3, audioOutput: 20 },
  'gpt-realtime-1.5': { textInput: 4, cachedTextInput: 0.4, textOutput: 16, audioInput: 32, cachedAudioInput: 0.4, audioOutput: 64 },
  // Before `gpt-realtime-2`, which would otherwise be this snapshot's longest prefix.
  'gpt-realtime-2025-08-28': { textInput: 4, cachedTextInput: 0.4, textOutput: 16, audioInput: 32, cachedAudioInput: 0.4, audioOutput: 64 },
  'gpt-realtime': { textInput: 4, cachedTextInput: 0.4, textOutput: 16, audioInput: 32, cachedAudioInput: 0.4, audioOutput: 64 },
  'gpt-realtime-mini': { textInput: 0.6, cachedTextInput: 0.06, textOutput: 2.4, audioInput: 10, cachedAudioInput: 0.3, audioOutput: 20 },
};

// Relay (voxwire/server, voxwire/server/node).

/** The relay's longest session before it warns and closes with 4001. */
export const DEFAULT_RELAY_MAX_SESSION_MS = 10 * 60 * 1000;

/** How long before a relay-imposed end (time limit) the client gets `voxwire.session.ending`. */
export const DEFAULT_RELAY_ENDING_WARNING_MS = 30_000;

/**
 * A relay session with no activity (no speech detected, no text, no response either way) for
 * this long is closed with 4001. Streaming silence is not activity.
 */
export const DEFAULT_RELAY_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

/** Concurrent relay sessions one user may hold. */
export const DEFAULT_RELAY_MAX_SESSIONS_PER_USER = 3;

/**
 * How long a connect that finds its user at the concurrency cap waits for a slot to free
 * (a client's own reconnect often arrives before the relay has seen the old socket close).
 */
export const DEFAULT_RELAY_CONCURRENCY_GRACE_MS = 2000;

/** Time to live of a concurrency slot not refreshed by its node (a crashed node's slots expire). */
export const DEFAULT_RELAY_SLOT_TTL_MS = 30_000;

/** Largest client frame the relay accepts, in bytes (about 10 s of 24 kHz PCM16 per append). */
export const DEFAULT_RELAY_MAX_CLIENT_FRAME_BYTES = 1024 * 1024;

/** Rejected client frames after which the relay ends the session with 4004. */
export const DEFAULT_RELAY_MAX_REJECTED_FRAMES = 20;

/** What the relay does with clients of the retired beta interface: refuse their beta fields (naming each with its GA name). */
export const DEFAULT_RELAY_BETA_CLIENTS = 'refuse' as const;

/** Bytes buffered toward one side past which the relay stops reading from the other side. */
export const DEFAULT_RELAY_HIGH_WATER_MARK_BYTES = 1024 * 1024;

/** Bytes buffered below which the relay resumes reading. */
export const DEFAULT_RELAY_LOW_WATER_MARK_BYTES = 256 * 1024;

/** How often a paused relay direction checks whether the other side has drained. */
export const DEFAULT_RELAY_BACKPRESSURE_POLL_MS = 10;

/**
 * How often a relay session's accrued usage is charged to the budget store (and concurrency
 * slots refreshed). Sessions sharing a budget can overshoot it by at most one interval each.
 */
export const DEFAULT_RELAY_CHARGE_INTERVAL_MS = 5000;

/** How long the relay waits for the upstream WebSocket to open. */
export const DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS = 10_000;

/** How often the Node relay pings clients; a client that missed a pong is dropped. */
export const DEFAULT_RELAY_PING_INTERVAL_MS = 30_000;

/**
 * How long a relay drain (`relay.drain()`, `relay.close()`, SIGTERM) lets sessions finish before
 * closing them with 4000: under Kubernetes' default 30 s grace period, with time left to store
 * the final charges and finish the close handshakes before SIGKILL.
 */
export const DEFAULT_RELAY_DRAIN_MS = 25_000;

/** The signals that drain the Node relay (`createRelay`'s `drainOnSignals`): what orchestrators send to stop. */
export const DEFAULT_RELAY_DRAIN_SIGNALS = ['SIGTERM'] as const;

/** The path the Node relay serves WebSocket upgrades on. */
export const DEFAULT_RELAY_PATH = '/realtime';

/**
 * Output audio tokens per second of speech, used to turn `usage` into audio seconds for
 * budgets (OpenAI documents assistant audio as 1 token per 50 ms).
 */
export const DEFAULT_AUDIO_OUTPUT_TOKENS_PER_SECOND = 20;

/**
 * Input audio tokens per second of speech, for the relay's running estimate of a `'costUsd'`
 * budget between two `response.done` (OpenAI documents user audio as 1 token per 100 ms).
 */
export const DEFAULT_AUDIO_INPUT_TOKENS_PER_SECOND = 10;

/** Characters of text per token, for the relay's running estimate of streamed text cost. */
export const DEFAULT_TEXT_CHARS_PER_TOKEN = 4;

/**
 * How long the relay waits for one budget-store operation (Redis) before it counts the store
 * as unreachable: a connect during an outage is answered within about this long.
 */
export const DEFAULT_RELAY_STORE_TIMEOUT_MS = 2000;

/** Deepest nesting of objects and arrays the relay accepts in a client event. */
export const DEFAULT_RELAY_MAX_JSON_DEPTH = 64;

/** Bucket upper bounds of the relay-added latency histogram, in seconds. */
export const DEFAULT_RELAY_LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/** Prefix of every Redis key and pub/sub channel the relay uses. */
export const DEFAULT_RELAY_REDIS_PREFIX = 'voxwire:';

/**
 * How far a webhook's `webhook-timestamp` may be from the clock, in seconds, before the delivery
 * is refused as a replay: five minutes, the Standard Webhooks recommendation and the `openai`
 * package's `webhooks.verifySignature` default.
 */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The SIP status an incoming call is rejected with when the app does not say: 603 Decline, the
 * Realtime API's own default for `POST /v1/realtime/calls/{call_id}/reject`.
 */
export const DEFAULT_SIP_REJECT_STATUS = 603;

/**
 * Reply audio per playback mark on a phone media stream, in ms (`MediaStreamCall`): a barge-in
 * truncates the reply exactly to this (five 20 ms packets, one mark message per 800 bytes).
 */
export const DEFAULT_MEDIA_STREAM_MARK_INTERVAL_MS = 100;

/** The path the Node media-stream server accepts the provider's WebSocket on. */
export const DEFAULT_MEDIA_STREAM_PATH = '/media-stream';
