/**
 * The HTTP plumbing of the mock's REST endpoints (client secrets, WebRTC and SIP calls, Live
 * sessions), shared so they read and refuse requests alike: the bearer key, the body (at most
 * 1 MiB, as the API caps it), a JSON object body, and failures ({@link HttpError}) answered in
 * the API's `error` shape.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRecord } from '../../base/is-record';

const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP error answer of the mock's REST endpoints, in the API's `error` shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }
}

/** The bearer key of a request, if any. */
export function bearerOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^Bearer\s+/i.test(header)) return undefined;
  const key = header.replace(/^Bearer\s+/i, '').trim();
  return key === '' ? undefined : key;
}

/** The whole body of a request; a body over 1 MiB is refused (413 `payload_too_large`). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `The request body exceeds ${MAX_BODY_BYTES} bytes.`, 'payload_too_large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A request's JSON object body (an empty body is `{}`), refused as the API does: not JSON, or not an object. */
export async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(request)).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.', 'invalid_json');
  }
  if (!isRecord(body)) throw new HttpError(400, 'The body must be a JSON object.', 'invalid_type');
  return body;
}

/**
 * Answers a request that failed, in the API's `error` shape: an {@link HttpError} with its
 * status, anything else as a 500 `server_error`. A response already under way is cut instead.
 */
export function answerError(response: ServerResponse, error: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const failure = error instanceof HttpError ? error : new HttpError(500, `The mock failed: ${error instanceof Error ? error.message : String(error)}`, null, null, 'server_error');
  if (response.headersSent) return void response.destroy();
  response.writeHead(failure.status, { ...headers, 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ error: { message: failure.message, type: failure.type, param: failure.param, code: failure.code } }));
}
