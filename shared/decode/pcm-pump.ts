import type { ByteQueue } from './byte-queue.js';
import { blockAlign, deinterleave, type PcmLayout } from './pcm-layout.js';
import type { PcmSink } from './types.js';

/** Frames gathered before a chunk is emitted (unless the stream ends): keeps 1-byte writes from making 1-frame chunks. */
const MIN_EMIT_FRAMES = 4096;
/** Largest chunk emitted at once, so memory stays bounded whatever the write size. */
const MAX_EMIT_FRAMES = 65536;

/**
 * Moves the sound-data bytes of an uncompressed container from a ByteQueue to a PcmSink as planar
 * float chunks, stopping after `dataBytes` (Infinity: until the stream ends).
 */
export class PcmPump {
  private left: number;
  private readonly align: number;
  frames = 0;

  constructor(
    private readonly layout: PcmLayout,
    dataBytes: number,
    private readonly sink: PcmSink,
  ) {
    this.left = dataBytes;
    this.align = blockAlign(layout);
  }

  /** True once all declared data bytes have been consumed. */
  get done(): boolean {
    return this.left <= 0;
  }

  /**
   * Emits every whole frame available (at least MIN_EMIT_FRAMES at a time unless `final`).
   * A partial frame at the very end of a final stream is dropped.
   */
  pump(queue: ByteQueue, final: boolean): void {
    for (;;) {
      const availFrames = Math.floor(Math.min(queue.length, this.left) / this.align);
      const lastOfData = Number.isFinite(this.left) && queue.length >= this.left;
      if (availFrames === 0 || (availFrames < MIN_EMIT_FRAMES && !final && !lastOfData)) break;
      const n = Math.min(availFrames, MAX_EMIT_FRAMES);
      const bytes = queue.take(n * this.align);
      this.left -= bytes.length;
      this.frames += n;
      this.sink.pcm(deinterleave(bytes, this.layout));
    }
    if (final || this.left < this.align) {
      // a trailing partial frame (odd data size or a cut file) carries no whole sample frame
      this.left -= queue.skip(Math.min(this.left, queue.length));
      if (final) this.left = 0;
    }
  }
}
