import { ByteQueue } from './byte-queue.js';
import { DecodeError, settle } from './errors.js';
import type { PcmPump } from './pcm-pump.js';
import type { StreamDecoder } from './types.js';

/**
 * What the WAV, AIFF and CAF push decoders share: bytes queue up, a state machine (`step`)
 * parses chunks as far as they go, skipping those it does not read (`skipLeft`, skipped) and
 * pumping the sound data to the sink (`pump`, pumped), and a stream that ends before its sound
 * data is reported as empty or truncated with the container's name.
 */
export abstract class ChunkedContainerDecoder implements StreamDecoder {
  protected readonly queue = new ByteQueue();
  /** Bytes of the current chunk still to skip. */
  protected skipLeft = 0;
  /** Moves the sound data to the sink, once its chunk is reached. */
  protected pump: PcmPump | null = null;
  private total = 0;

  /** The container's name in messages: 'WAV', 'AIFF'. */
  protected abstract readonly container: string;
  /** Parses what the queue holds; `final` once no more bytes will come. */
  protected abstract step(final: boolean): void;
  /** Whether the sound data was reached (the stream may end from there on). */
  protected abstract reachedSound(): boolean;

  /** Skips what `skipLeft` says as far as the queue goes; true once all of it is skipped. */
  protected skipped(): boolean {
    this.skipLeft -= this.queue.skip(this.skipLeft);
    return this.skipLeft <= 0;
  }

  /** Pumps the sound data the queue holds (`final`: no more will come); true once all is read. */
  protected pumped(final: boolean): boolean {
    this.pump!.pump(this.queue, final);
    return this.pump!.done;
  }

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
