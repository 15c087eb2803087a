import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, httpStatusOf, badRequest, payloadTooLarge } from '../errors.js';

/** Largest JSON body the API reads (a 1,000-entry manifest with fingerprints is ~9 MB). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Answers an error: AppErrors with their status and message, anything else as a 500. */
export function sendError(res: ServerResponse, error: unknown, log: (e: unknown) => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof AppError) {
    sendJson(res, httpStatusOf(error.code), {
      error: { code: error.code, message: error.message },
    });
    return;
  }
  log(error);
  sendJson(res, 500, {
    error: {
      code: 'INTERNAL',
      message: 'the server failed to answer this request; its log says why',
    },
  });
}

/**
 * Reads a JSON request body of at most `limit` bytes.
 * @throws AppError 413 when it is larger (stops reading at once), 400 when it is not JSON.
 */
export async function readJson(req: IncomingMessage, limit = MAX_JSON_BYTES): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type && !/^application\/json\b/i.test(type)) {
    throw badRequest(`the body must be JSON (Content-Type: application/json), not ${type}`);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    throw payloadTooLarge(`the body has ${declared} bytes; the limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw payloadTooLarge(`the body is larger than the limit of ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}
