import { DecodeError } from './errors.js';
import { HeadBytes } from './head-bytes.js';
import type { PcmSink, StreamDecoder, StreamInfo } from './types.js';

/** What the wasm-audio-decoders family returns from decode()/flush(). */
export interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  bitDepth?: number;
  errors?: { message: string }[];
}

/** One compressed codec behind the common streaming logic. */
export interface CodecAdapter {
  /** Throws DecodeError('corrupt') once `head` (bytes after any ID3 tag) shows this is not the codec; false while undecided. */
  accepts(head: Uint8Array, complete: boolean): boolean;
  /** The stream's description, from its head and its first decoded block. */
  describe(head: Uint8Array, first: Decoded): StreamInfo;
  /** The channels to emit from a decoded block (e.g. one of mpg123's two for mono MP3). */
  channels(block: Decoded, info: StreamInfo): Float32Array[];
  decode(bytes: Uint8Array): Decoded | Promise<Decoded>;
  flush(): Decoded | Promise<Decoded>;
  free(): void;
  /** Sample frames the stream holds in all, once the bytes read so far tell; none are emitted past it. */
  frameLimit?(): number | null;
}

/** Bytes gathered before a decode call, so 1-byte writes cost the same as 64 KiB ones. */
const FEED_BYTES = 64 * 1024;

/**
 * Drives a CodecAdapter as a StreamDecoder: gathers writes into ~64 KiB feeds, emits PCM after each
 * feed (bounded memory), and sends info() just before the first PCM. end() throws DecodeError
 * 'empty' (0 bytes), 'truncated' (a valid header but no audio) or 'corrupt' (nothing decodable).
 */
export class WasmStream implements StreamDecoder {
  private readonly head = new HeadBytes();
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private total = 0;
  private accepted = false;
  private info: StreamInfo | null = null;
  private lastError = '';
  private freed = false;
  private emitted = 0;

  constructor(
    private readonly codec: CodecAdapter,
    private readonly sink: PcmSink,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.total += bytes.length;
    this.head.push(bytes);
    if (!this.accepted) this.accepted = this.codec.accepts(this.head.bytes, this.head.full);
    this.pending.push(bytes);
    this.pendingLen += bytes.length;
    if (this.pendingLen >= FEED_BYTES) await this.feed();
  }

  async end(): Promise<void> {
    this.head.finish();
    if (this.total === 0) throw new DecodeError('empty', 'empty file (0 bytes)');
    if (!this.accepted) this.accepted = this.codec.accepts(this.head.bytes, true);
    await this.feed();
    this.emit(await this.codec.flush());
    if (this.info) return;
    const why = this.lastError ? `: ${this.lastError}` : '';
    if (this.accepted)
      throw new DecodeError('truncated', `the file ends before any audio could be decoded${why}`);
    throw new DecodeError('corrupt', `no decodable audio found${why}`);
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.pending = [];
    this.codec.free();
  }

  private async feed(): Promise<void> {
    if (this.pendingLen === 0) return;
    const chunk =
      this.pending.length === 1
        ? (this.pending[0] as Uint8Array)
        : concat(this.pending, this.pendingLen);
    this.pending = [];
    this.pendingLen = 0;
    this.emit(await this.codec.decode(chunk));
  }

  private emit(block: Decoded): void {
    const last = block.errors?.at(-1);
    if (last) this.lastError = last.message;
    const limit = this.codec.frameLimit?.() ?? null;
    const n =
      limit === null
        ? block.samplesDecoded
        : Math.min(block.samplesDecoded, Math.max(0, limit - this.emitted));
    if (n <= 0 || block.channelData.length === 0) return;
    if (!this.info) {
      this.info = this.codec.describe(this.head.bytes, block);
      this.sink.info(this.info);
    }
    const channels = this.codec
      .channels(block, this.info)
      .map((c) => (c.length === n ? c : c.subarray(0, n)));
    this.emitted += n;
    this.sink.pcm(channels);
  }
}

/** Concatenates chunks whose total length is known. */
export function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
