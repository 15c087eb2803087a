import { ChunkedContainerDecoder } from './chunked-decoder.js';
import { DecodeError } from './errors.js';
import { pcmCodecName } from './pcm-layout.js';
import { PcmPump } from './pcm-pump.js';
import { parseWavFmt, type WavFormat } from './riff-fmt.js';
import type { PcmSink } from './types.js';

const MAX_HEADER_CHUNK = 1 << 20; // 'fmt ' and 'ds64' are tiny; anything bigger is not a real header
const UNKNOWN_SIZE = 0xffffffff;

type State = 'riff' | 'chunk' | 'body' | 'skip' | 'data' | 'done';

/**
 * Streaming WAV / RF64 / BW64 decoder: 8/16/24/32-bit integer and 32/64-bit float PCM, plain or
 * WAVE_FORMAT_EXTENSIBLE, any channel count. Memory is bounded by one emitted chunk.
 * A data size that is 0, 0xFFFFFFFF or larger than the file means "to the end of the file".
 * Throws DecodeError: 'corrupt' (not RIFF/WAVE, impossible header), 'unsupported' (compressed WAV),
 * 'truncated' (the file ends before the sound data starts), 'empty' (0 bytes).
 */
export class WavDecoder extends ChunkedContainerDecoder {
  protected readonly container = 'WAV';
  private state: State = 'riff';
  private chunkId = '';
  private chunkSize = 0;
  private fmt: WavFormat | null = null;
  private ds64DataSize: number | null = null;
  constructor(private readonly sink: PcmSink) {
    super();
  }

  protected reachedSound(): boolean {
    return this.state === 'data' || this.state === 'done';
  }

  protected step(final: boolean): void {
    for (;;) {
      switch (this.state) {
        case 'riff': {
          if (this.queue.length < 12) return;
          const head = ascii(this.queue.take(12));
          const riff = head.slice(0, 4);
          if (!['RIFF', 'RF64', 'BW64'].includes(riff) || head.slice(8, 12) !== 'WAVE') {
            throw new DecodeError('corrupt', 'not a WAV file (no RIFF/WAVE header)');
          }
          this.state = 'chunk';
          break;
        }
        case 'chunk': {
          if (this.queue.length < 8) return;
          const h = this.queue.take(8);
          this.chunkId = ascii(h.subarray(0, 4));
          this.chunkSize = new DataView(h.buffer, h.byteOffset, 8).getUint32(4, true);
          if (this.chunkId === 'data') this.startData();
          else if (this.chunkId === 'fmt ' || this.chunkId === 'ds64') {
            if (this.chunkSize > MAX_HEADER_CHUNK)
              throw new DecodeError(
                'corrupt',
                `WAV '${this.chunkId}' chunk claims ${this.chunkSize} bytes`,
              );
            this.state = 'body';
          } else {
            this.skipLeft = this.chunkSize + (this.chunkSize & 1);
            this.state = 'skip';
          }
          break;
        }
        case 'body': {
          const padded = this.chunkSize + (this.chunkSize & 1);
          if (this.queue.length < padded) return;
          const body = this.queue.take(padded).subarray(0, this.chunkSize);
          if (this.chunkId === 'fmt ') this.fmt = parseWavFmt(body);
          else if (body.length >= 16) {
            const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
            this.ds64DataSize = v.getUint32(12, true) * 2 ** 32 + v.getUint32(8, true);
          }
          this.state = 'chunk';
          break;
        }
        case 'skip':
          if (!this.skipped()) return;
          this.state = 'chunk';
          break;
        case 'data':
          if (!this.pumped(final)) return;
          this.state = 'done';
          break;
        case 'done':
          this.queue.skip(this.queue.length); // trailing chunks (LIST, id3...) carry no sound
          return;
      }
    }
  }

  private startData(): void {
    const fmt = this.fmt;
    if (!fmt) throw new DecodeError('corrupt', "WAV 'data' chunk comes before its 'fmt ' chunk");
    let size: number = this.chunkSize;
    if (size === UNKNOWN_SIZE && this.ds64DataSize !== null) size = this.ds64DataSize;
    const declared = size === 0 || size === UNKNOWN_SIZE ? null : size;
    const align = fmt.layout.bytesPerSample * fmt.layout.channels;
    this.sink.info({
      format: 'wav',
      codec: pcmCodecName(fmt.layout),
      sampleRate: fmt.sampleRate,
      channels: fmt.layout.channels,
      bitDepth: fmt.bitDepth,
      declaredFrames: declared === null ? null : Math.floor(declared / align),
    });
    this.pump = new PcmPump(fmt.layout, declared ?? Infinity, this.sink);
    this.state = 'data';
  }
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
