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
  type: z.optional(z.literal('function')),
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  parameters: z.optional(z.unknown()),
}));

/** A function tool declaration, as {@link functionToolSchema} accepts it. */
export type FunctionTool = z.infer<typeof functionToolSchema>;

const mcpToolFilterSchema = /* @__PURE__ */ pure(() => z.strictObject({
  read_only: z.optional(z.boolean()),
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
  type: z.literal('mcp'),
  server_label: z.string(),
  server_url: z.optional(z.string()),
  server_description: z.optional(z.string()),
  connector_id: z.optional(z.enum(MCP_CONNECTOR_IDS)),
  authorization: z.optional(z.string()),
  headers: z.optional(z.nullable(z.record(z.string(), z.string()))),
  allowed_tools: z.optional(z.nullable(z.union([z.array(z.string()), mcpToolFilterSchema]))),
  allowed_callers: z.optional(z.nullable(z.array(z.enum(['direct', 'programmatic'])))),
  require_approval: z.optional(
    z.nullable(
      z.union([
        z.enum(['always', 'never']),
        z.strictObject({ always: z.optional(mcpToolFilterSchema), never: z.optional(mcpToolFilterSchema) }),
      ]),
    ),
  ),
  defer_loading: z.optional(z.boolean()),
  tunnel_id: z.optional(z.string()),
}));

/** An MCP tool declaration, as {@link mcpToolSchema} accepts it. */
export type McpTool = z.infer<typeof mcpToolSchema>;

/** One entry of `tools`: a function tool (the default `type`) or an MCP server. */
export const toolSchema = /* @__PURE__ */ pure(() => z.union([functionToolSchema, mcpToolSchema]));

/** One tool declaration, as {@link toolSchema} accepts it. */
export type Tool = z.infer<typeof toolSchema>;

/** `tool_choice`: `'auto' | 'none' | 'required'`, one function by name, or one MCP tool. */
export const toolChoiceSchema = /* @__PURE__ */ pure(() => z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string() }),
  z.strictObject({ type: z.literal('mcp'), server_label: z.string(), name: z.optional(z.nullable(z.string())) }),
]));

/** A tool choice, as {@link toolChoiceSchema} accepts it. */
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** A tool declaration as the server reports it (function or MCP, in one loose shape). */
export const serverToolSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'function' | 'mcp'>()),
  name: lenient(z.string()),
  description: lenient(z.string()),
  parameters: z.optional(z.unknown()),
  server_label: lenient(z.string()),
  server_url: lenient(z.string()),
  server_description: lenient(z.string()),
  connector_id: lenient(openString<(typeof MCP_CONNECTOR_IDS)[number]>()),
  authorization: lenient(z.string()),
  headers: lenient(z.record(z.string(), z.string())),
  allowed_tools: z.optional(z.unknown()),
  allowed_callers: lenient(z.array(z.string())),
  require_approval: z.optional(z.unknown()),
  defer_loading: lenient(z.boolean()),
  tunnel_id: lenient(z.string()),
}));

/** `tool_choice` as the server reports it. */
export const serverToolChoiceSchema = /* @__PURE__ */ pure(() => z.union([
  openString<'none' | 'auto' | 'required'>(),
  z.looseObject({ type: z.string(), name: lenient(z.string()), server_label: lenient(z.string()) }),
]));
