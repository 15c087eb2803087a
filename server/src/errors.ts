/**
 * Domain errors: each has a literal code and a message that tells the caller what was wrong and
 * what to do. They become HTTP statuses and tRPC codes in one place (`httpStatusOf`, trpc/).
 */
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNPROCESSABLE'
  | 'NOT_IMPLEMENTED';

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
/** Also the answer for another user's job or file: its existence is not revealed. */
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const conflict = (message: string, details?: Record<string, string>) =>
  new AppError('CONFLICT', message, details);
export const payloadTooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);
export const unprocessable = (message: string) => new AppError('UNPROCESSABLE', message);
export const notImplemented = (message: string) => new AppError('NOT_IMPLEMENTED', message);

const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  NOT_IMPLEMENTED: 501,
};

export function httpStatusOf(code: AppErrorCode): number {
  return HTTP_STATUS[code];
}
