/**
 * Tool declarations (`session.tools`, `response.tools`) and `tool_choice`, strict for what the
 * client sends and loose for what the server reports.
 */
import * as z from 'zod/mini';
import { lenient, openString } from './primitives';
import { pure } from './pure';

/**
 * A function tool. `parameters` is a JSON Schema and is not validated here (the tool
 * registry owns it). Field optionality follows the `openai` package's types.
 */
export const functionToolSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the tool, i.e. `function`. */
  type: z.optional(z.literal('function')),
  /** The name of the function. */
  name: z.optional(z.string()),
  /**
   * The description of the function, including guidance on when and how to call it, and
   * guidance about what to tell the user when calling (if anything).
   */
  description: z.optional(z.string()),
  /** Parameters of the function in JSON Schema. */
  parameters: z.optional(z.unknown()),
}));

/**
 * A function tool declaration. `parameters` is a JSON Schema, not validated here.
 *
 * @useDeclaredType
 */
export type FunctionTool = z.infer<typeof functionToolSchema>;

const mcpToolFilterSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /**
   * Indicates whether or not a tool modifies data or is read-only. If an MCP server is
   * [annotated with
   * `readOnlyHint`](https://modelcontextprotocol.io/specification/2025-06-18/schema#toolannotations-readonlyhint),
   * it will match this filter.
   */
  read_only: z.optional(z.boolean()),
  /** List of allowed tool names. */
  tool_names: z.optional(z.array(z.string())),
}));

/** The OpenAI-hosted MCP connectors (`connector_id`), as the `openai` package lists them. */
export const MCP_CONNECTOR_IDS = [
  'connector_dropbox',
  'connector_gmail',
  'connector_googlecalendar',
  'connector_googledrive',
  'connector_microsoftteams',
  'connector_outlookcalendar',
  'connector_outlookemail',
  'connector_sharepoint',
] as const;

/** A remote MCP server the model may call tools on. */
export const mcpToolSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the MCP tool. Always `mcp`. */
  type: z.literal('mcp'),
  /** A label for this MCP server, used to identify it in tool calls. */
  server_label: z.string(),
  /**
   * The URL for the MCP server. One of `server_url`, `connector_id`, or `tunnel_id` must be
   * provided.
   */
  server_url: z.optional(z.string()),
  /** Optional description of the MCP server, used to provide more context. */
  server_description: z.optional(z.string()),
  /**
   * An OpenAI-hosted service connector (one of `MCP_CONNECTOR_IDS`). One of `server_url`,
   * `connector_id`, or `tunnel_id` must be provided.
   */
  connector_id: z.optional(z.enum(MCP_CONNECTOR_IDS)),
  /**
   * An OAuth access token that can be used with a remote MCP server, either with a custom MCP
   * server URL or a service connector. Your application must handle the OAuth authorization
   * flow and provide the token here.
   */
  authorization: z.optional(z.string()),
  /** Optional HTTP headers to send to the MCP server. Use for authentication or other purposes. */
  headers: z.optional(z.nullable(z.record(z.string(), z.string()))),
  /** List of allowed tool names or a filter object. */
  allowed_tools: z.optional(z.nullable(z.union([z.array(z.string()), mcpToolFilterSchema]))),
  /** The tool invocation context(s). */
  allowed_callers: z.optional(z.nullable(z.array(z.enum(['direct', 'programmatic'])))),
  /** Specify which of the MCP server's tools require approval. */
  require_approval: z.optional(
    z.nullable(
      z.union([
        z.enum(['always', 'never']),
        z.strictObject({
          /** The tools that always require approval. */
          always: z.optional(mcpToolFilterSchema),
          /** The tools that never require approval. */
          never: z.optional(mcpToolFilterSchema),
        }),
      ]),
    ),
  ),
  /** Whether this MCP tool is deferred and discovered via tool search. */
  defer_loading: z.optional(z.boolean()),
  /**
   * The Secure MCP Tunnel ID to use instead of a direct server URL. One of `server_url`,
   * `connector_id`, or `tunnel_id` must be provided.
   */
  tunnel_id: z.optional(z.string()),
}));

/**
 * An MCP tool declaration, as {@link mcpToolSchema} accepts it.
 *
 * @useDeclaredType
 */
export type McpTool = z.infer<typeof mcpToolSchema>;

/** One entry of `tools`: a function tool (the default `type`) or an MCP server. */
export const toolSchema = /* @__PURE__ */ pure(() => z.union([functionToolSchema, mcpToolSchema]));

/**
 * One tool declaration, as {@link toolSchema} accepts it.
 *
 * @useDeclaredType
 */
export type Tool = z.infer<typeof toolSchema>;

/** `tool_choice`: `'auto' | 'none' | 'required'`, one function by name, or one MCP tool. */
export const toolChoiceSchema = /* @__PURE__ */ pure(() => z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({
    /** For function calling, the type is always `function`. */
    type: z.literal('function'),
    /** The name of the function to call. */
    name: z.string(),
  }),
  z.strictObject({
    /** For MCP tools, the type is always `mcp`. */
    type: z.literal('mcp'),
    /** The label of the MCP server to use. */
    server_label: z.string(),
    /** The name of the tool to call on the server. */
    name: z.optional(z.nullable(z.string())),
  }),
]));

/**
 * A tool choice, as {@link toolChoiceSchema} accepts it.
 *
 * @useDeclaredType
 */
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** A tool declaration as the server reports it (function or MCP, in one loose shape). */
export const serverToolSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the tool: `function` or `mcp`. */
  type: lenient(openString<'function' | 'mcp'>()),
  /** The name of the function (function tools). */
  name: lenient(z.string()),
  /** The description of the function (function tools). */
  description: lenient(z.string()),
  /** Parameters of the function in JSON Schema (function tools). */
  parameters: z.optional(z.unknown()),
  /** A label for this MCP server, used to identify it in tool calls. */
  server_label: lenient(z.string()),
  /**
   * The URL for the MCP server. One of `server_url`, `connector_id`, or `tunnel_id` must be
   * provided.
   */
  server_url: lenient(z.string()),
  /** Optional description of the MCP server, used to provide more context. */
  server_description: lenient(z.string()),
  /** The OpenAI-hosted service connector, for MCP tools that use one. */
  connector_id: lenient(openString<(typeof MCP_CONNECTOR_IDS)[number]>()),
  /**
   * An OAuth access token that can be used with a remote MCP server, either with a custom MCP
   * server URL or a service connector. Your application must handle the OAuth authorization
   * flow and provide the token here.
   */
  authorization: lenient(z.string()),
  /** Optional HTTP headers to send to the MCP server. Use for authentication or other purposes. */
  headers: lenient(z.record(z.string(), z.string())),
  /** List of allowed tool names or a filter object. */
  allowed_tools: z.optional(z.unknown()),
  /** The tool invocation context(s). */
  allowed_callers: lenient(z.array(z.string())),
  /** Specify which of the MCP server's tools require approval. */
  require_approval: z.optional(z.unknown()),
  /** Whether this MCP tool is deferred and discovered via tool search. */
  defer_loading: lenient(z.boolean()),
  /**
   * The Secure MCP Tunnel ID to use instead of a direct server URL. One of `server_url`,
   * `connector_id`, or `tunnel_id` must be provided.
   */
  tunnel_id: lenient(z.string()),
}));

/** `tool_choice` as the server reports it. */
export const serverToolChoiceSchema = /* @__PURE__ */ pure(() => z.union([
  openString<'none' | 'auto' | 'required'>(),
  z.looseObject({
    /** The type of the forced tool: `function` or `mcp`. */
    type: z.string(),
    /** The name of the function, or of the tool on the MCP server. */
    name: lenient(z.string()),
    /** The label of the MCP server to use (MCP tools). */
    server_label: lenient(z.string()),
  }),
]));
