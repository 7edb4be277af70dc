/**
 * The items tools and reasoning put in a conversation: function calls and their outputs, MCP
 * calls, tool lists and approvals, and reasoning items.
 *
 * Client side (history a client replays with `conversation.item.create`): strict. Server side:
 * loose and null-tolerant, as in items.ts.
 */
import * as z from 'zod/mini';
import { clientItemCommonShape, serverItemCommonShape } from './item-shapes';
import { lenient } from './primitives';
import { pure } from './pure';

/** A function call the model made (client-created items replay history). */
export const functionCallInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `function_call`. */
  type: z.literal('function_call'),
  /** The name of the function being called. */
  name: z.string(),
  /**
   * The arguments of the function call. This is a JSON-encoded string representing the
   * arguments passed to the function, for example `{"arg1": "value1", "arg2": 42}`.
   */
  arguments: z.string(),
  /** The ID of the function call. */
  call_id: z.optional(z.string()),
  ...clientItemCommonShape,
}));

/** The output of a function call, sent back to the model. */
export const functionCallOutputInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `function_call_output`. */
  type: z.literal('function_call_output'),
  /** The ID of the function call this output is for. */
  call_id: z.string(),
  /**
   * The output of the function call, this is free text and can contain any information or
   * simply be empty.
   */
  output: z.string(),
  ...clientItemCommonShape,
}));

const mcpErrorInputSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({
    /** The error kind. Always `protocol_error`. */
    type: z.literal('protocol_error'),
    /** The MCP protocol error code. */
    code: z.number(),
    /** A human-readable error message. */
    message: z.string(),
  }),
  z.strictObject({
    /** The error kind. Always `tool_execution_error`. */
    type: z.literal('tool_execution_error'),
    /** A human-readable error message. */
    message: z.string(),
  }),
  z.strictObject({
    /** The error kind. Always `http_error`. */
    type: z.literal('http_error'),
    /** The HTTP status code. */
    code: z.number(),
    /** A human-readable error message. */
    message: z.string(),
  }),
]));

/** An MCP tool call item. */
export const mcpCallInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `mcp_call`. */
  type: z.literal('mcp_call'),
  /** The unique ID of the tool call. */
  id: z.string(),
  /** The label of the MCP server running the tool. */
  server_label: z.string(),
  /** The name of the tool that was run. */
  name: z.string(),
  /** A JSON string of the arguments passed to the tool. */
  arguments: z.string(),
  /** The ID of an associated approval request, if any. */
  approval_request_id: z.optional(z.nullable(z.string())),
  /** The output from the tool call. */
  output: z.optional(z.nullable(z.string())),
  /** The error from the tool call, if any. */
  error: z.optional(z.nullable(mcpErrorInputSchema)),
}));

/** An MCP list-tools item. */
export const mcpListToolsInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `mcp_list_tools`. */
  type: z.literal('mcp_list_tools'),
  /** The unique ID of the list. */
  id: z.optional(z.string()),
  /** The label of the MCP server. */
  server_label: z.string(),
  /** The tools available on the server. */
  tools: z.array(
    z.strictObject({
      /** The name of the tool. */
      name: z.string(),
      /** The JSON schema describing the tool's input. */
      input_schema: z.unknown(),
      /** The description of the tool. */
      description: z.optional(z.nullable(z.string())),
      /** Additional annotations about the tool. */
      annotations: z.optional(z.nullable(z.unknown())),
    }),
  ),
}));

/** An MCP approval request item. */
export const mcpApprovalRequestInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `mcp_approval_request`. */
  type: z.literal('mcp_approval_request'),
  /** The unique ID of the approval request. */
  id: z.string(),
  /** The label of the MCP server making the request. */
  server_label: z.string(),
  /** The name of the tool to run. */
  name: z.string(),
  /** A JSON string of arguments for the tool. */
  arguments: z.string(),
}));

/** An MCP approval response item: the client approves or rejects a request. */
export const mcpApprovalResponseInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `mcp_approval_response`. */
  type: z.literal('mcp_approval_response'),
  /** The unique ID of the approval response. */
  id: z.string(),
  /** The ID of the approval request being answered. */
  approval_request_id: z.string(),
  /** Whether the request was approved. */
  approve: z.boolean(),
  /** Optional reason for the decision. */
  reason: z.optional(z.nullable(z.string())),
}));

// Server side.

/**
 * A reasoning item, as reasoning models (`gpt-realtime-2` and later) put in a response's output:
 * a summary of the model's reasoning (when one was asked for) and its encrypted content. Every
 * field is lenient: the Realtime types do not describe this item yet, so only `type` is sure.
 */
export const reasoningItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `reasoning`. */
  type: z.literal('reasoning'),
  /** Summary parts of the reasoning (`summary_text` parts carry `text`). */
  summary: lenient(z.array(z.looseObject({
    /** The summary part type, e.g. `summary_text`. */
    type: z.string(),
    /** The summary text. */
    text: lenient(z.string()),
  }))),
  /** Reasoning content parts (`reasoning_text` parts carry `text`), when the model shares them. */
  content: lenient(z.array(z.looseObject({
    /** The content part type, e.g. `reasoning_text`. */
    type: z.string(),
    /** The reasoning text. */
    text: lenient(z.string()),
  }))),
  /** The reasoning, encrypted, to pass back to the model in a later request. */
  encrypted_content: lenient(z.string()),
  ...serverItemCommonShape,
}));

/**
 * A reasoning item as the server reports it.
 *
 * @useDeclaredType
 */
export type ReasoningItem = z.infer<typeof reasoningItemSchema>;

/** A function call item as the server reports it. */
export const functionCallItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `function_call`. */
  type: z.literal('function_call'),
  /** The name of the function being called. */
  name: z.string(),
  /**
   * The arguments of the function call. This is a JSON-encoded string representing the
   * arguments passed to the function, for example `{"arg1": "value1", "arg2": 42}`.
   */
  arguments: z.string(),
  /** The ID of the function call. */
  call_id: lenient(z.string()),
  ...serverItemCommonShape,
}));

/**
 * A function call item as the server reports it.
 *
 * @useDeclaredType
 */
export type FunctionCallItem = z.infer<typeof functionCallItemSchema>;

/** A function call output item as the server reports it. */
export const functionCallOutputItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `function_call_output`. */
  type: z.literal('function_call_output'),
  /** The ID of the function call this output is for. */
  call_id: z.string(),
  /**
   * The output of the function call, this is free text and can contain any information or
   * simply be empty.
   */
  output: z.string(),
  ...serverItemCommonShape,
}));

/**
 * A function call output item as the server reports it.
 *
 * @useDeclaredType
 */
export type FunctionCallOutputItem = z.infer<typeof functionCallOutputItemSchema>;

/** An MCP tool call item as the server reports it. */
export const mcpCallItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `mcp_call`. */
  type: z.literal('mcp_call'),
  /** The unique ID of the tool call. */
  id: z.string(),
  /** The label of the MCP server running the tool. */
  server_label: z.string(),
  /** The name of the tool that was run. */
  name: z.string(),
  /** A JSON string of the arguments passed to the tool. */
  arguments: z.string(),
  /** The ID of an associated approval request, if any. */
  approval_request_id: lenient(z.string()),
  /** The output from the tool call. */
  output: lenient(z.string()),
  /** The error from the tool call, if any. */
  error: lenient(z.looseObject({
    /** The error kind: `protocol_error`, `tool_execution_error` or `http_error`. */
    type: z.string(),
    /** A human-readable error message. */
    message: lenient(z.string()),
    /** The MCP protocol error code or the HTTP status code, for the kinds that have one. */
    code: lenient(z.number()),
  })),
}));

/**
 * An MCP tool call item as the server reports it.
 *
 * @useDeclaredType
 */
export type McpCallItem = z.infer<typeof mcpCallItemSchema>;

/** An MCP list-tools item as the server reports it. */
export const mcpListToolsItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `mcp_list_tools`. */
  type: z.literal('mcp_list_tools'),
  /** The unique ID of the list. */
  id: lenient(z.string()),
  /** The label of the MCP server. */
  server_label: z.string(),
  /** The tools available on the server. */
  tools: z.array(
    z.looseObject({
      /** The name of the tool. */
      name: z.string(),
      /** The JSON schema describing the tool's input. */
      input_schema: z.optional(z.unknown()),
      /** The description of the tool. */
      description: lenient(z.string()),
      /** Additional annotations about the tool. */
      annotations: z.optional(z.unknown()),
    }),
  ),
}));

/**
 * An MCP list-tools item as the server reports it.
 *
 * @useDeclaredType
 */
export type McpListToolsItem = z.infer<typeof mcpListToolsItemSchema>;

/** An MCP approval request item as the server reports it. */
export const mcpApprovalRequestItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `mcp_approval_request`. */
  type: z.literal('mcp_approval_request'),
  /** The unique ID of the approval request. */
  id: z.string(),
  /** The label of the MCP server making the request. */
  server_label: z.string(),
  /** The name of the tool to run. */
  name: z.string(),
  /** A JSON string of arguments for the tool. */
  arguments: z.string(),
}));

/**
 * An MCP approval request item as the server reports it.
 *
 * @useDeclaredType
 */
export type McpApprovalRequestItem = z.infer<typeof mcpApprovalRequestItemSchema>;

/** An MCP approval response item as the server reports it. */
export const mcpApprovalResponseItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `mcp_approval_response`. */
  type: z.literal('mcp_approval_response'),
  /** The unique ID of the approval response. */
  id: z.string(),
  /** The ID of the approval request being answered. */
  approval_request_id: z.string(),
  /** Whether the request was approved. */
  approve: z.boolean(),
  /** Optional reason for the decision. */
  reason: lenient(z.string()),
}));

/**
 * An MCP approval response item as the server reports it.
 *
 * @useDeclaredType
 */
export type McpApprovalResponseItem = z.infer<typeof mcpApprovalResponseItemSchema>;
