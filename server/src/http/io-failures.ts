import { AppError, insufficientStorage, unavailable } from '../errors.js';

/**
 * Failures that are not the request's fault nor a bug: the server's storage refusing a write,
 * and a client that went away mid-request. Each is answered (or not) and logged in one line,
 * never with a server path in what the client sees.
 */

/** The `code` of an error or of the error it wraps (`cause`), if it has one. */
function errorCode(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

const WHY: Record<string, { full: boolean; why: string }> = {
  ENOSPC: { full: true, why: 'its disk is full' },
  EDQUOT: { full: true, why: 'its disk quota is used up' },
  EROFS: { full: false, why: 'its storage is read-only' },
  EACCES: { full: false, why: 'it is not allowed to write to its storage' },
  EPERM: { full: false, why: 'it is not allowed to write to its storage' },
  EIO: { full: false, why: 'its disk failed to read or write' },
  EMFILE: { full: false, why: 'it has too many files open' },
  ENFILE: { full: false, why: 'it has too many files open' },
};

/**
 * The answer for a failure of the server's storage (disk full, read-only, no permission): 507
 * for a full disk or quota, 503 for the rest, with a message that holds no server path. Null
 * for any other error.
 */
export function storageFailure(error: unknown): { errno: string; answer: AppError } | null {
  if (error instanceof AppError) return null;
  const errno = errorCode(error);
  const kind = errno ? WHY[errno] : undefined;
  if (!errno || !kind) return null;
  const message = `the server cannot store files right now: ${kind.why}; try again later or tell the operator`;
  return { errno, answer: kind.full ? insufficientStorage(message) : unavailable(message) };
}

const ABORT_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/** Whether an error says the client closed the connection (mid-body, mid-answer). */
export function isClientAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.message === 'aborted') return true;
  const code = errorCode(error);
  return code !== null && ABORT_CODES.has(code);
}

/** The log line of a client that went away: `client went away: METHOD PATH`. */
export function clientWentAway(method: string | undefined, url: string | undefined): string {
  const path = new URL(url ?? '/', 'http://localhost').pathname;
  return `client went away: ${method ?? '?'} ${path}`;
}
