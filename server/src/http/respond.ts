import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, httpStatusOf, badRequest, payloadTooLarge } from '../errors.js';
import { isClientAbort, storageFailure } from './io-failures.js';

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

/**
 * Answers an error: AppErrors with their status and message (a rate limit's `Retry-After` too),
 * a failure of the server's storage as 507 or 503 (one log line, no server path in the answer),
 * anything else as a 500. A client that went away is not answered (nor logged here). When
 * the request's body was not read to its end (refused as too large, say), the connection closes
 * after the answer, so that a keep-alive client does not wait on it.
 * @param log gets a string for a line to log as it is, an Error for a failure (stack and all).
 */
export function answerError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  log: (e: unknown) => void,
): void {
  if (isClientAbort(error) && (req.destroyed || res.destroyed || req.socket.destroyed)) {
    res.destroy(); // the server logs it once: "client went away: METHOD PATH" (request-bounds.ts)
    return;
  }
  const storage = storageFailure(error);
  if (storage) {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`;
    log(`storage failure (${storage.errno}) on ${route}: ${(error as Error).message}`);
  }
  if (!req.complete && !res.headersSent) res.setHeader('connection', 'close');
  sendError(res, storage?.answer ?? error, log);
}

function sendError(res: ServerResponse, error: unknown, log: (e: unknown) => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof AppError) {
    const retryAfter = error.details.retry_after;
    if (retryAfter) res.setHeader('retry-after', retryAfter);
    sendJson(res, httpStatusOf(error.code), error.toBody());
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

/** How much of a refused body is still read (and dropped) so the client can read the answer. */
const DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Reads a JSON request body of at most `limit` bytes.
 * @throws AppError 413 when it is larger, 400 when it is not JSON. The rest of a body refused
 *   as too large is read and dropped (up to 64 MB more, so that a keep-alive client reads the
 *   answer); past that, reading stops and the answer closes the connection (answerError).
 */
export async function readJson(req: IncomingMessage, limit = MAX_JSON_BYTES): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type && !/^application\/json\b/i.test(type)) {
    throw badRequest(`the body must be JSON (Content-Type: application/json), not ${type}`);
  }
  const body = await readBody(req, limit);
  if (body === null) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads a request body of at most `limit` bytes; null when it is empty.
 * @throws AppError 413 when it is larger, its rest read and dropped as readJson says; a body
 *   whose Content-Length is past what would be dropped is refused at once, unread.
 */
export async function readBody(
  req: IncomingMessage,
  limit = MAX_JSON_BYTES,
): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = () =>
    payloadTooLarge(
      declared > limit
        ? `the body has ${declared} bytes; the limit is ${limit}`
        : `the body is larger than the limit of ${limit} bytes`,
    );
  if (declared > limit + DRAIN_BYTES) throw tooLarge();
  return new Promise<Buffer | null>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit && !(declared > limit)) chunks.push(chunk);
      else if (size > limit + DRAIN_BYTES) {
        req.pause();
        reject(tooLarge());
      }
    });
    req.on('end', () =>
      size > limit ? reject(tooLarge()) : resolve(size === 0 ? null : Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}
