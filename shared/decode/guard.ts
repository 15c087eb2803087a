import { DecodeError, asDecodeError } from './errors.js';
import type { AudioFormat, StreamDecoder } from './types.js';

/**
 * Wraps a decoder so that: anything it throws surfaces as a DecodeError ('corrupt' unless it says
 * otherwise), it is freed at the first error and rejects every later call with that error, calls
 * after end() or free() reject, and free() is idempotent.
 */
export function guard(inner: StreamDecoder, format: AudioFormat): StreamDecoder {
  let failed: DecodeError | null = null;
  let closed = false;
  const run = async (what: 'write' | 'end', call: () => Promise<void>): Promise<void> => {
    if (failed) throw failed;
    if (closed) throw new DecodeError('corrupt', `${what}() after end() or free()`);
    try {
      await call();
    } catch (err) {
      failed = asDecodeError(err, 'corrupt', `${format} decoder failed`);
      closed = true;
      inner.free();
      throw failed;
    }
  };
  return {
    write: (bytes) => run('write', () => inner.write(bytes)),
    end: async () => {
      await run('end', () => inner.end());
      closed = true;
    },
    free: () => {
      closed = true;
      inner.free();
    },
  };
}
