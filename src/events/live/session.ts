/**
 * GPT-Live session configuration (`/v1/live/sessions`), as the `openai` package (7.60.0) types
 * it in `resources/live/live.d.ts` (`SessionConfig`, `SessionUpdateConfig`, `SessionResource`,
 * `ForkSessionConfig`). Live is a protocol of its own, beside the Realtime one: config is fixed
 * at start (`session.start` on a WebSocket, the `session` body of `POST /v1/live/sessions` for
 * WebRTC), and `session.update` changes only `delegation` settings and `triggers`.
 *
 * What a client sends is strict (the server rejects unknown session fields); what the server
 * reports is loose (unknown fields kept, `null` accepted where a field may be absent). Opaque
 * payloads the Live service hands to another API (hosted Responses tools, Decision questions)
 * are passed through as given: that API validates them.
 */
import * as z from 'zod/mini';
import { lenient, openString, openUnion } from '../primitives';
import { pure } from '../pure';

/** The Live models the `openai` types and OpenAI's model pages name. */
export type LiveModel = 'gpt-live-1' | 'gpt-live-1.1';

/** The built-in Live voices (`BuiltInVoice`). */
export type LiveVoice =
  | 'alloy' | 'ash' | 'ballad' | 'beacon' | 'bossa' | 'cedar' | 'cinder' | 'coral' | 'delta' | 'echo' | 'gleam' | 'marin'
  | 'meridian' | 'quartz' | 'ripple' | 'sage' | 'shida' | 'shimmer' | 'stone' | 'tempo' | 'verse' | 'vesper' | 'willow';

/**
 * Audio encoding of a Live WebSocket, for input and output alike (WebRTC and SIP negotiate
 * their own): PCM16 at 16 or 24 kHz, or G.711 μ-law / A-law at 8 kHz.
 */
export const liveAudioFormatSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({
    /** Raw mono 16-bit little-endian PCM. */
    type: z.literal('audio/pcm'),
    /** 16000 or 24000 Hz. */
    rate: z.literal([16000, 24000]),
  }),
  z.strictObject({
    /** G.711 μ-law. */
    type: z.literal('audio/pcmu'),
    /** 8000 Hz. */
    rate: z.number(),
  }),
  z.strictObject({
    /** G.711 A-law. */
    type: z.literal('audio/pcma'),
    /** 8000 Hz. */
    rate: z.number(),
  }),
]));

/** A built-in voice name or a custom voice `{ id }`. Fixed at start. */
const voiceSchema = () => z.union([openString<LiveVoice>(), z.strictObject({
  /** The custom voice's ID. */
  id: z.string(),
})]);

/**
 * What an untrusted WebRTC frontend may send and receive on its data channel
 * (`client.data_channel`). Trusted sideband connections are not limited by it.
 */
export const liveDataChannelConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Client event types the frontend may send: `'all'`, or a list (empty allows none). */
  allowed_client_events: z.optional(z.union([z.literal('all'), z.array(z.string())])),
  /**
   * Server events the frontend may receive: `'all'`, or selectors; a `response.event` selector
   * names the nested Responses event type in `response_event`.
   */
  allowed_server_events: z.optional(z.union([z.literal('all'), z.array(z.strictObject({
    /** The outer Live server event type. */
    type: z.string(),
    /** The nested Responses event type; only with `type: 'response.event'`. */
    response_event: z.optional(z.string()),
  }))])),
}));

/** Startup-only capabilities of a WebRTC frontend (`client`). */
export const liveClientConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Data channel permissions. */
  data_channel: liveDataChannelConfigSchema,
}));

/** A function tool of the Responses backend (`FunctionTool`): what voxwire's `defineTool` registry produces. */
export const liveFunctionToolSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Always `function`. */
  type: z.literal('function'),
  /** The name the delegated model calls it by. */
  name: z.string(),
  /** What it does and when to call it. */
  description: z.optional(z.nullable(z.string())),
  /** JSON Schema of the arguments. */
  parameters: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  /** Whether the arguments must follow the schema exactly. */
  strict: z.optional(z.nullable(z.boolean())),
}));

const serviceTier = () => z.literal(['auto', 'default', 'fast_tier_temp_pilot', 'flex', 'priority', 'ultrafast']);

/**
 * The Responses backend settings shared by start and update. Hosted tools (web search, file
 * search, MCP, shell, ...) and `tool_choice` objects pass through as given: the Responses API
 * validates them; function tools are checked field by field.
 */
const responsesFields = () => ({
  /** Instructions of the delegated Responses model (separate from the Live instructions). */
  instructions: z.optional(z.nullable(z.string())),
  /** Output token cap of each delegated response. */
  max_output_tokens: z.optional(z.nullable(z.number())),
  /** Whether the delegated model may request several tool calls at once. */
  parallel_tool_calls: z.optional(z.nullable(z.boolean())),
  /** Reasoning settings of each delegated request. */
  reasoning: z.optional(z.nullable(z.strictObject({
    /** Reasoning effort. */
    effort: z.optional(z.nullable(z.literal(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']))),
    /** Reasoning summary. */
    summary: z.optional(z.nullable(z.literal(['concise', 'detailed', 'auto']))),
  }))),
  /** Service tier of delegated requests. */
  service_tier: z.optional(z.nullable(serviceTier())),
  /** Text settings of delegated requests. */
  text: z.optional(z.nullable(z.strictObject({
    /** Verbosity. */
    verbosity: z.optional(z.nullable(z.literal(['low', 'medium', 'high']))),
  }))),
  /** Which tool the backend uses: `auto`, `none`, `required`, or a tool choice object (passed through). */
  tool_choice: z.optional(z.union([z.literal(['auto', 'none', 'required']), z.looseObject({
    /** The tool choice kind (`function`, `mcp`, `allowed_tools`, ...). */
    type: z.string(),
  })])),
  /** Tools of the backend: function tools checked, hosted tools passed through. */
  tools: z.optional(z.array(openUnion('type', [liveFunctionToolSchema]))),
});

/** The Responses backend at start (`ResponsesDelegationConfig`): `model` is required. */
export const liveResponsesConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The Responses model that handles delegated tasks. */
  model: z.string(),
  ...responsesFields(),
}));

/** A Decision API question (choice, predicate or score), passed through to the Decision API. */
const decisionQuestionSchema = () => z.looseObject({
  /** `choice`, `predicate` or `score`. */
  type: z.string(),
});

const ackDelay = () => ({
  /**
   * Milliseconds before the model asks for an automatic spoken acknowledgement of a
   * delegation (0 by default, 400 for decisions).
   */
  acknowledgement_delay_ms: z.optional(z.number()),
});

/** Who handles delegated tasks, at start: the app (`client`), `responses` or `decisions`. */
export const liveDelegationSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({
    /** Your application handles delegations (`session.delegation.created`). */
    type: z.literal('client'),
    ...ackDelay(),
  }),
  z.strictObject({
    /** A Responses model run by the Live session handles them. */
    type: z.literal('responses'),
    /** The backend settings. */
    responses: liveResponsesConfigSchema,
    ...ackDelay(),
  }),
  z.strictObject({
    /** The Decision API handles them. */
    type: z.literal('decisions'),
    /** The Decision model and questions. */
    decisions: z.strictObject({
      /** The Decision model. */
      model: z.string(),
      /** Questions evaluated together, in order. */
      questions: z.array(decisionQuestionSchema()),
    }),
    ...ackDelay(),
  }),
]));

/** Delegation settings a `session.update` may change (the type itself cannot change). */
export const liveDelegationUpdateSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({
    /** Client delegation. */
    type: z.literal('client'),
    ...ackDelay(),
  }),
  z.strictObject({
    /** Responses delegation. */
    type: z.literal('responses'),
    /** Backend settings to change; omitted ones keep their values. */
    responses: z.optional(z.strictObject({
      /** The Responses model. */
      model: z.optional(z.string()),
      ...responsesFields(),
    })),
    ...ackDelay(),
  }),
  z.strictObject({
    /** Decisions delegation. */
    type: z.literal('decisions'),
    /** Decision settings to change. */
    decisions: z.optional(z.strictObject({
      /** The Decision model. */
      model: z.optional(z.string()),
      /** Questions evaluated together, in order. */
      questions: z.optional(z.array(decisionQuestionSchema())),
    })),
    ...ackDelay(),
  }),
]));

/** A transcript-driven Decision trigger (at most one per transcript event type). */
export const liveTriggerSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Always `decisions`. */
  type: z.literal('decisions'),
  /** The transcript event type that fires it. */
  event_type: z.literal(['session.input_transcript.delta', 'session.output_transcript.delta']),
  /** The questions to evaluate. */
  decisions: z.strictObject({
    /** Decision API questions, passed through. */
    questions: z.array(decisionQuestionSchema()),
  }),
}));

const historyFields = () => ({
  /** Optional identifier of the history message. */
  id: z.optional(z.nullable(z.string())),
  /** The message's status; Live uses its text either way. */
  status: z.optional(z.nullable(z.literal(['incomplete', 'completed']))),
  /** Always `message`. */
  type: z.optional(z.literal('message')),
});

const inputTextPart = () => z.strictObject({
  /** The message text. */
  text: z.string(),
  /** Always `input_text`. */
  type: z.optional(z.literal('input_text')),
});

/**
 * One message of the text-only startup history (`input`): developer, user or assistant, one
 * text part each; at most 128 messages.
 */
export const liveInitialItemSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('role', [
  z.strictObject({
    /** A developer message. */
    role: z.literal('developer'),
    /** Exactly one text part. */
    content: z.array(inputTextPart()),
    ...historyFields(),
  }),
  z.strictObject({
    /** A user message. */
    role: z.literal('user'),
    /** Exactly one text part. */
    content: z.array(inputTextPart()),
    ...historyFields(),
  }),
  z.strictObject({
    /** An assistant message. */
    role: z.literal('assistant'),
    /** Exactly one text part (`text` or `output_text`). */
    content: z.array(z.strictObject({
      /** The message text. */
      text: z.string(),
      /** `text` (may be omitted) or `output_text`. */
      type: z.optional(z.literal(['text', 'output_text'])),
    })),
    ...historyFields(),
  }),
]));

/** The Live session fields fixed at start, which `session.update` refuses. */
export const LIVE_START_ONLY_FIELDS = ['model', 'instructions', 'audio', 'input', 'store', 'client', 'safety_identifier'] as const;

/**
 * The configuration a Live session starts with (`SessionConfig`): `session.start` on a
 * WebSocket, the `session` of `POST /v1/live/sessions` for WebRTC. Strict: the server rejects an
 * unknown field.
 */
export const liveSessionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The Live model (`gpt-live-1`, `gpt-live-1.1`). Required; never in the URL. */
  model: openString<LiveModel>(),
  /** Audio: the WebSocket format (input and output) and the voice. Fixed at start. */
  audio: z.optional(z.strictObject({
    /** WebSocket only; WebRTC and SIP negotiate theirs. */
    format: z.optional(liveAudioFormatSchema),
    /** Speech output. */
    output: z.optional(z.strictObject({
      /** The voice (default `marin`). */
      voice: z.optional(voiceSchema()),
    })),
  })),
  /** WebRTC frontend permissions. */
  client: z.optional(liveClientConfigSchema),
  /** Who handles delegated tasks; omitted or `null` is the app (`client`). */
  delegation: z.optional(z.nullable(liveDelegationSchema)),
  /** Text-only startup history. */
  input: z.optional(z.array(liveInitialItemSchema)),
  /** Frontend instructions (≤ 16,384 tokens). Fixed at start. */
  instructions: z.optional(z.nullable(z.string())),
  /** A stable identifier of the end user, for abuse detection. */
  safety_identifier: z.optional(z.nullable(z.string())),
  /** Store the session for forking and recording download. */
  store: z.optional(z.boolean()),
  /** Transcript-driven Decision triggers. */
  triggers: z.optional(z.array(liveTriggerSchema)),
}));

/** What `session.update` may change (`SessionUpdateConfig`): delegation settings and triggers only. */
export const liveSessionUpdateSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Delegation settings; the delegation type cannot change. */
  delegation: z.optional(z.nullable(liveDelegationUpdateSchema)),
  /** Triggers: a list replaces them, an empty list turns them off. */
  triggers: z.optional(z.array(liveTriggerSchema)),
}));

/**
 * Overrides when starting a fork of a stored session over WebSocket (`ForkSessionConfig`): an
 * empty object inherits everything; no new model.
 */
export const liveForkSessionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The WebSocket audio format of the fork. */
  audio: z.optional(z.strictObject({
    /** Format for input and output. */
    format: z.optional(liveAudioFormatSchema),
  })),
  /** WebRTC frontend permissions (WebRTC forks only). */
  client: z.optional(liveClientConfigSchema),
  /** Responses backend overrides (only when the stored session delegates to Responses). */
  delegation: z.optional(z.strictObject({
    /** Always `responses`. */
    type: z.literal('responses'),
    /** Backend settings to change. */
    responses: z.optional(z.strictObject({
      /** The Responses model. */
      model: z.optional(z.string()),
      ...responsesFields(),
    })),
    ...ackDelay(),
  })),
  /** Whether to store the fork. */
  store: z.optional(z.boolean()),
}));

/**
 * A Live session as the server reports it (`SessionResource`, in `session.started|updated|closed`).
 * Loose; nested configs are kept whole.
 */
export const liveSessionResourceSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The session ID (`live_…`): for sideband, fork and recording download. */
  id: lenient(z.string()),
  /** When the session expires, in Unix seconds. */
  expires_at: lenient(z.number()),
  /** The Live model. */
  model: lenient(z.string()),
  /** Always `active`, even in `session.closed`. */
  status: lenient(z.string()),
  /** The audio settings in effect. */
  audio: lenient(z.looseObject({
    /** The WebSocket format. */
    format: lenient(z.looseObject({
      /** `audio/pcm`, `audio/pcmu` or `audio/pcma`. */
      type: lenient(z.string()),
      /** Sample rate in hertz. */
      rate: lenient(z.number()),
    })),
    /** Speech output. */
    output: lenient(z.looseObject({
      /** A voice name or `{ id }`. */
      voice: z.optional(z.unknown()),
    })),
  })),
  /** WebRTC frontend permissions. */
  client: z.optional(z.unknown()),
  /** The delegation settings in effect. */
  delegation: lenient(z.looseObject({
    /** `client`, `responses` or `decisions`. */
    type: lenient(z.string()),
    /** Acknowledgement delay. */
    acknowledgement_delay_ms: lenient(z.number()),
    /** Responses backend settings. */
    responses: z.optional(z.unknown()),
    /** Decision settings. */
    decisions: z.optional(z.unknown()),
  })),
  /** The startup history. */
  input: z.optional(z.unknown()),
  /** The frontend instructions. */
  instructions: lenient(z.string()),
  /** The end-user identifier. */
  safety_identifier: lenient(z.string()),
  /** Whether the session is stored. */
  store: lenient(z.boolean()),
  /** The triggers in effect. */
  triggers: z.optional(z.unknown()),
}));

/** The configuration a Live session starts with. */
export type LiveSessionConfig = z.input<typeof liveSessionConfigSchema>;
/** What `session.update` may change. */
export type LiveSessionUpdate = z.input<typeof liveSessionUpdateSchema>;
/** Overrides of a fork's `session.start`. */
export type LiveForkSessionConfig = z.input<typeof liveForkSessionConfigSchema>;
/** A Live session as the server reports it. */
export type LiveSessionResource = z.infer<typeof liveSessionResourceSchema>;
/** A Live WebSocket audio format. */
export type LiveAudioFormat = z.input<typeof liveAudioFormatSchema>;
/** Data channel permissions of a WebRTC frontend. */
export type LiveDataChannelConfig = z.input<typeof liveDataChannelConfigSchema>;
/** A function tool of the Responses backend. */
export type LiveFunctionTool = z.input<typeof liveFunctionToolSchema>;
/** One startup history message. */
export type LiveInitialItem = z.input<typeof liveInitialItemSchema>;
