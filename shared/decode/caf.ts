import { ChunkedContainerDecoder } from './chunked-decoder.js';
import { DecodeError } from './errors.js';
import { pcmCodecName, type PcmLayout } from './pcm-layout.js';
import { PcmPump } from './pcm-pump.js';
import type { PcmSink } from './types.js';

/** The `desc` chunk's size: the only size the format defines. */
const DESC_BYTES = 32;
/** kCAFLinearPCMFormatFlagIsFloat, kCAFLinearPCMFormatFlagIsLittleEndian. */
const FLAG_FLOAT = 1;
const FLAG_LITTLE_ENDIAN = 2;
const MAX_CHANNELS = 32;

/** What CAF's `desc` chunk says of PCM audio. */
interface CafFormat {
  sampleRate: number;
  layout: PcmLayout;
  bitDepth: number;
}

/** Codecs of CAF's `desc` that this decoder leaves to ffmpeg, by their four-character code. */
const CODEC_NAMES: Record<string, string> = {
  'aac ': 'AAC',
  alac: 'Apple Lossless',
  ima4: 'IMA ADPCM',
  ulaw: 'µ-law',
  alaw: 'A-law',
  MAC3: 'MACE 3:1',
  MAC6: 'MACE 6:1',
};

type State = 'head' | 'chunk' | 'desc' | 'data-head' | 'skip' | 'data' | 'done';

/**
 * Streaming decoder of Apple's Core Audio Format (`.caf`, the container of Apple Loops) holding
 * linear PCM: integer or float, either byte order. Other codecs in CAF (AAC, Apple Lossless,
 * IMA ADPCM) are refused as 'unsupported' with their name, for ffmpeg to decode where it can.
 * Memory is bounded by one emitted chunk. Throws DecodeError: 'corrupt' (not a CAF file, a
 * malformed `desc`), 'unsupported' (another codec, `data` before `desc`), 'truncated', 'empty'.
 */
export class CafDecoder extends ChunkedContainerDecoder {
  protected readonly container = 'CAF';
  private state: State = 'head';
  /** Bytes of the current chunk; -1 (the `data` chunk only): up to the end of the file. */
  private chunkSize = 0;
  private fmt: CafFormat | null = null;
  constructor(private readonly sink: PcmSink) {
    super();
  }

  protected reachedSound(): boolean {
    return this.state === 'data' || this.state === 'done';
  }

  protected step(final: boolean): void {
    for (;;) {
      switch (this.state) {
        case 'head': {
          if (this.queue.length < 8) return;
          const head = this.queue.take(8);
          if (String.fromCharCode(...head.subarray(0, 4)) !== 'caff')
            throw new DecodeError('corrupt', "not a CAF file (no 'caff' header)");
          this.state = 'chunk';
          break;
        }
        case 'chunk': {
          if (this.queue.length < 12) return;
          const h = this.queue.take(12);
          const id = String.fromCharCode(...h.subarray(0, 4));
          const size = new DataView(h.buffer, h.byteOffset, 12).getBigInt64(4, false);
          if (size < -1n || (size === -1n && id !== 'data'))
            throw new DecodeError('corrupt', `CAF chunk '${id}' claims ${size} bytes`);
          this.chunkSize = Number(size);
          if (id === 'desc') {
            if (this.chunkSize !== DESC_BYTES)
              throw new DecodeError('corrupt', `CAF desc chunk has ${size} bytes, not 32`);
            this.state = 'desc';
          } else if (id === 'data') {
            if (!this.fmt)
              throw new DecodeError('unsupported', 'CAF with its data chunk before its desc chunk');
            this.state = 'data-head';
          } else {
            this.skipLeft = this.chunkSize;
            this.state = 'skip';
          }
          break;
        }
        case 'desc':
          if (this.queue.length < DESC_BYTES) return;
          this.fmt = parseDesc(this.queue.take(DESC_BYTES));
          this.state = 'chunk';
          break;
        case 'data-head': {
          // The edit count (4 bytes) comes before the audio.
          if (this.queue.length < 4) return;
          this.queue.take(4);
          this.startData();
          this.state = 'data';
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
          this.queue.skip(this.queue.length);
          return;
      }
    }
  }

  private startData(): void {
    const fmt = this.fmt!;
    this.sink.info({
      format: 'caf',
      codec: pcmCodecName(fmt.layout),
      sampleRate: fmt.sampleRate,
      channels: fmt.layout.channels,
      bitDepth: fmt.bitDepth,
      declaredFrames: null,
    });
    const bytes = this.chunkSize === -1 ? Infinity : Math.max(0, this.chunkSize - 4);
    this.pump = new PcmPump(fmt.layout, bytes, this.sink);
  }
}

/** Reads the `desc` chunk; only linear PCM is accepted. */
function parseDesc(bytes: Uint8Array): CafFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, DESC_BYTES);
  const sampleRate = view.getFloat64(0, false);
  const formatId = String.fromCharCode(...bytes.subarray(8, 12));
  const flags = view.getUint32(12, false);
  const bytesPerPacket = view.getUint32(16, false);
  const framesPerPacket = view.getUint32(20, false);
  const channels = view.getUint32(24, false);
  const bitDepth = view.getUint32(28, false);
  if (formatId !== 'lpcm') {
    const name = CODEC_NAMES[formatId] ?? `codec '${formatId}'`;
    throw new DecodeError('unsupported', `CAF with ${name} audio (only linear PCM is read here)`);
  }
  if (!(sampleRate >= 1 && sampleRate <= 1_000_000))
    throw new DecodeError('corrupt', `CAF sample rate ${sampleRate} Hz`);
  if (channels < 1 || channels > MAX_CHANNELS)
    throw new DecodeError('corrupt', `CAF with ${channels} channels`);
  const bytesPerSample = bytesPerPacket / channels;
  const float = (flags & FLAG_FLOAT) !== 0;
  const valid = float
    ? (bytesPerSample === 4 && bitDepth === 32) || (bytesPerSample === 8 && bitDepth === 64)
    : [1, 2, 3, 4].includes(bytesPerSample) && bitDepth >= 1 && bitDepth <= bytesPerSample * 8;
  if (framesPerPacket !== 1 || !valid)
    throw new DecodeError(
      'unsupported',
      `CAF linear PCM of ${bitDepth} bits in ${bytesPerPacket}-byte frames of ${channels} channels`,
    );
  return {
    sampleRate,
    bitDepth,
    layout: {
      channels,
      bytesPerSample,
      float,
      bigEndian: (flags & FLAG_LITTLE_ENDIAN) === 0,
      unsigned8: false,
    },
  };
}
