/**
 * Domain errors: each has a literal code and a message that tells the caller what was wrong and
 * what to do. They become HTTP statuses and tRPC codes in one place (`httpStatusOf`, trpc/).
 */
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNPROCESSABLE'
  | 'REQUEST_TIMEOUT'
  | 'TOO_MANY_REQUESTS'
  | 'NOT_IMPLEMENTED'
  | 'UNAVAILABLE'
  | 'INSUFFICIENT_STORAGE';

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Facts a client can act on, sent beside the message (`{ entry_state: "done" }`). */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The JSON body of this error's answer. */
  toBody(): { error: { code: AppErrorCode; message: string } & Record<string, string> } {
    return { error: { ...this.details, code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string) => new AppError('BAD_REQUEST', message);
export const unauthorized = (message: string) => new AppError('UNAUTHORIZED', message);
/** A request the caller may not make this way (from another site's page, say). */
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
/** Also the answer for another user's job or file: its existence is not revealed. */
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const conflict = (message: string, details?: Record<string, string>) =>
  new AppError('CONFLICT', message, details);
export const payloadTooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);
export const unprocessable = (message: string) => new AppError('UNPROCESSABLE', message);
export const notImplemented = (message: string) => new AppError('NOT_IMPLEMENTED', message);
/** A request that arrived too slowly; the client may send it again. */
export const requestTimeout = (message: string) => new AppError('REQUEST_TIMEOUT', message);
/** Over a rate limit: `retry_after` (whole seconds) goes out as `Retry-After` too. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError('TOO_MANY_REQUESTS', message, { retry_after: String(retryAfterSeconds) });
/** The server cannot do this now (its storage is read-only, say); later it may. */
export const unavailable = (message: string) => new AppError('UNAVAILABLE', message);
/** The server's storage is full. */
export const insufficientStorage = (message: string) =>
  new AppError('INSUFFICIENT_STORAGE', message);

const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  REQUEST_TIMEOUT: 408,
  TOO_MANY_REQUESTS: 429,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
  INSUFFICIENT_STORAGE: 507,
};

export function httpStatusOf(code: AppErrorCode): number {
  return HTTP_STATUS[code];
}
