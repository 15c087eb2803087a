import { type AiffFormat, parseAiffComm } from './aiff-comm.js';
import { ChunkedContainerDecoder } from './chunked-decoder.js';
import { DecodeError } from './errors.js';
import { blockAlign, pcmCodecName } from './pcm-layout.js';
import { PcmPump } from './pcm-pump.js';
import type { PcmSink } from './types.js';

const MAX_COMM = 1 << 16;
const UNKNOWN_SIZE = 0xffffffff;

type State = 'form' | 'chunk' | 'comm' | 'ssnd-head' | 'skip' | 'data' | 'done';

/**
 * Streaming AIFF / AIFF-C decoder (NONE, twos, sowt, in24, in32, fl32, fl64, raw; 80-bit sample rate).
 * Memory is bounded by one emitted chunk. Needs the COMM chunk before SSND, as every common writer
 * does. Throws DecodeError: 'corrupt' (not FORM/AIFF), 'unsupported' (compressed AIFF-C or COMM after
 * SSND), 'truncated' (ends before the sound data), 'empty'.
 */
export class AiffDecoder extends ChunkedContainerDecoder {
  protected readonly container = 'AIFF';
  private state: State = 'form';
  private aifc = false;
  private chunkSize = 0;
  private fmt: AiffFormat | null = null;
  constructor(private readonly sink: PcmSink) {
    super();
  }

  protected reachedSound(): boolean {
    return this.state === 'data' || this.state === 'done';
  }

  protected step(final: boolean): void {
    for (;;) {
      switch (this.state) {
        case 'form': {
          if (this.queue.length < 12) return;
          const head = String.fromCharCode(...this.queue.take(12));
          const kind = head.slice(8, 12);
          if (head.slice(0, 4) !== 'FORM' || (kind !== 'AIFF' && kind !== 'AIFC')) {
            throw new DecodeError('corrupt', 'not an AIFF file (no FORM/AIFF header)');
          }
          this.aifc = kind === 'AIFC';
          this.state = 'chunk';
          break;
        }
        case 'chunk': {
          if (this.queue.length < 8) return;
          const h = this.queue.take(8);
          const id = String.fromCharCode(...h.subarray(0, 4));
          this.chunkSize = new DataView(h.buffer, h.byteOffset, 8).getUint32(4, false);
          if (id === 'COMM') {
            if (this.chunkSize > MAX_COMM)
              throw new DecodeError('corrupt', `AIFF COMM chunk claims ${this.chunkSize} bytes`);
            this.state = 'comm';
          } else if (id === 'SSND') {
            if (!this.fmt)
              throw new DecodeError(
                'unsupported',
                'AIFF with its COMM chunk after the sound data cannot be streamed',
              );
            this.state = 'ssnd-head';
          } else {
            this.skipLeft = this.chunkSize + (this.chunkSize & 1);
            this.state = 'skip';
          }
          break;
        }
        case 'comm': {
          const padded = this.chunkSize + (this.chunkSize & 1);
          if (this.queue.length < padded) return;
          this.fmt = parseAiffComm(this.queue.take(padded).subarray(0, this.chunkSize), this.aifc);
          this.state = 'chunk';
          break;
        }
        case 'ssnd-head': {
          if (this.queue.length < 8) return;
          const h = this.queue.take(8);
          const offset = new DataView(h.buffer, h.byteOffset, 8).getUint32(0, false);
          this.startData(offset);
          this.skipLeft = offset;
          this.state = 'skip';
          break;
        }
        case 'skip':
          if (!this.skipped()) return;
          this.state = this.pump ? 'data' : 'chunk';
          break;
        case 'data':
          if (!this.pumped(final)) return;
          this.state = 'done';
          break;
        case 'done':
          this.queue.skip(this.queue.length);
          return;
      }
    }
  }

  private startData(offset: number): void {
    const fmt = this.fmt as AiffFormat;
    const align = blockAlign(fmt.layout);
    // the smaller of what SSND and COMM declare; an SSND size of 0 or 0xFFFFFFFF means "to the end"
    const ssnd =
      this.chunkSize === 0 || this.chunkSize === UNKNOWN_SIZE
        ? Infinity
        : Math.max(0, this.chunkSize - 8 - offset);
    const bytes = Math.min(ssnd, fmt.frames > 0 ? fmt.frames * align : Infinity);
    this.sink.info({
      format: 'aiff',
      codec: pcmCodecName(fmt.layout),
      sampleRate: fmt.sampleRate,
      channels: fmt.layout.channels,
      bitDepth: fmt.bitDepth,
      declaredFrames: fmt.frames > 0 ? fmt.frames : null,
    });
    this.pump = new PcmPump(fmt.layout, bytes, this.sink);
  }
}
