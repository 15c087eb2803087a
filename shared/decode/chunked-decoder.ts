import { ByteQueue } from './byte-queue.js';
import { DecodeError, settle } from './errors.js';
import type { StreamDecoder } from './types.js';

/**
 * What the WAV and AIFF push decoders share: bytes queue up, a state machine (`step`) parses
 * chunks as far as they go, and a stream that ends before its sound data is reported as empty
 * or truncated with the container's name.
 */
export abstract class ChunkedContainerDecoder implements StreamDecoder {
  protected readonly queue = new ByteQueue();
  private total = 0;

  /** The container's name in messages: 'WAV', 'AIFF'. */
  protected abstract readonly container: string;
  /** Parses what the queue holds; `final` once no more bytes will come. */
  protected abstract step(final: boolean): void;
  /** Whether the sound data was reached (the stream may end from there on). */
  protected abstract reachedSound(): boolean;

  write(bytes: Uint8Array): Promise<void> {
    return settle(() => {
      this.total += bytes.length;
      this.queue.push(bytes);
      this.step(false);
    });
  }

  end(): Promise<void> {
    return settle(() => {
      this.step(true);
      if (this.reachedSound()) return;
      if (this.total === 0) throw new DecodeError('empty', 'empty file (0 bytes)');
      throw new DecodeError(
        'truncated',
        `${this.container} file ends after ${this.total} bytes, before its sound data`,
      );
    });
  }

  free(): void {}
}
