/** Why a file could not be decoded. */
export type DecodeErrorCode = 'empty' | 'corrupt' | 'truncated' | 'unsupported';

/**
 * A file that cannot be decoded. `code` says which kind of failure; the message names the problem
 * in words a user can act on. Plain Error subclass: across a worker boundary send `{ code, message }`.
 */
export class DecodeError extends Error {
  readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, message: string) {
    super(message);
    this.name = 'DecodeError';
    this.code = code;
  }
}

/** Wraps anything thrown by a third-party decoder as a DecodeError of the given code (DecodeErrors pass through). */
export function asDecodeError(err: unknown, code: DecodeErrorCode, context: string): DecodeError {
  if (err instanceof DecodeError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new DecodeError(code, `${context}: ${detail}`);
}

/** Runs a synchronous step and turns what it throws into a rejected promise (an async function without await would do, but lint forbids it). */
export function settle(step: () => void): Promise<void> {
  try {
    step();
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
