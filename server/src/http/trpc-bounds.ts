import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { AuthService } from '../auth/auth.service.js';
import { AppError, payloadTooLarge } from '../errors.js';
import { toTrpcError } from '../trpc/trpc.js';
import { readBody } from './respond.js';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The procedure paths a tRPC HTTP request calls (`/trpc/a,b?batch=1` calls two). */
function procedurePaths(url: URL): string[] {
  const path = url.pathname.replace(/^\/trpc\//, '');
  return url.searchParams.get('batch') === '1' ? path.split(',') : [path];
}

function hasBody(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  return (
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? '0') > 0
  );
}

/**
 * Answers every call of a tRPC HTTP request with the same error, in tRPC's own shape (an array
 * for a batch), so that a tRPC client reads its code and message.
 */
function sendTrpcError(res: ServerResponse, url: URL, paths: string[], error: AppError): void {
  const trpc = toTrpcError(error) as TRPCError;
  const httpStatus = getHTTPStatusCodeFromError(trpc);
  const shape = (path: string) => ({
    error: {
      message: trpc.message,
      code: TRPC_ERROR_CODES_BY_KEY[trpc.code],
      data: { code: trpc.code, httpStatus, path },
    },
  });
  const body = JSON.stringify(
    url.searchParams.get('batch') === '1' ? paths.map(shape) : shape(paths[0] ?? ''),
  );
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  if (error.details.retry_after) headers['retry-after'] = error.details.retry_after;
  res.writeHead(httpStatus, headers);
  res.end(body);
}

/**
 * tRPC's `responseMeta`: an answer with a rate-limited call (429) says when to try again in
 * `Retry-After`, as REST does.
 */
export function retryAfterMeta({ errors }: { errors: TRPCError[] }): {
  headers?: Record<string, string>;
} {
  const seconds = errors
    .map((e) => (e.cause instanceof AppError ? Number(e.cause.details.retry_after) : NaN))
    .filter((s) => Number.isFinite(s));
  return seconds.length > 0 ? { headers: { 'retry-after': String(Math.max(...seconds)) } } : {};
}

/**
 * Bounds tRPC over HTTP, in front of its handler: a batch of more than `maxBatchCalls` calls is
 * refused (413, unread); a request `refusal` (an address over its token failures) is answered
 * as every call's error; a body is read only once its token is known good, and only up to
 * `maxBodyBytes` (413 naming the limit, in tRPC's shape). A request whose token is bad reaches
 * tRPC without its body (which then answers 401) and closes its connection, so a slow body
 * without a token is never waited for.
 * @throws AppError PAYLOAD_TOO_LARGE for a batch over the cap (answered by the caller).
 */
export function boundedTrpcHttp(
  handler: NodeHandler,
  options: { auth: AuthService; maxBodyBytes: number; maxBatchCalls: number },
) {
  return async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    refusal: AppError | null,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const paths = procedurePaths(url);
    if (paths.length > options.maxBatchCalls) {
      throw payloadTooLarge(
        `this batch has ${paths.length} calls; the server takes at most ${options.maxBatchCalls} in one request: send them in smaller batches`,
      );
    }
    if (refusal) {
      if (!req.complete) res.setHeader('connection', 'close');
      sendTrpcError(res, url, paths, refusal);
      return;
    }
    if (hasBody(req)) {
      let signedIn = true;
      try {
        await options.auth.authenticate({
          authorization: req.headers.authorization ?? null,
          cookie: req.headers.cookie ?? null,
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        signedIn = false;
      }
      let body = '';
      if (signedIn) {
        try {
          body = (await readBody(req, options.maxBodyBytes))?.toString('utf8') ?? '';
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          if (!req.complete) res.setHeader('connection', 'close');
          sendTrpcError(res, url, paths, error);
          return;
        }
      } else if (!req.complete) {
        res.setHeader('connection', 'close');
      }
      // tRPC takes a body set here instead of reading the request (adapters/node-http).
      (req as IncomingMessage & { body?: unknown }).body = body;
    }
    await handler(req, res);
  };
}
