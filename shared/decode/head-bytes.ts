import { id3v2Length } from './id3.js';

/**
 * Keeps the first `cap` bytes of a stream that follow any ID3v2 tag, as they are written, so a
 * decoder can read its header (FLAC STREAMINFO, MP3 Xing/LAME) without holding the whole file.
 */
export class HeadBytes {
  private readonly buf: Uint8Array;
  private filled = 0;
  private seen = 0; // stream bytes written so far
  private start: number | null = null; // stream offset where the kept bytes begin
  private prefix = new Uint8Array(10);

  constructor(private readonly cap = 64 * 1024) {
    this.buf = new Uint8Array(cap);
  }

  /** Bytes kept so far (a view: copy it if it must outlive further pushes). */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.filled);
  }

  /** True once `cap` bytes are kept. */
  get full(): boolean {
    return this.filled === this.cap;
  }

  /** Length of the ID3v2 tag skipped (0 if none; null until 10 bytes have been written). */
  get tagLength(): number | null {
    return this.start;
  }

  push(chunk: Uint8Array): void {
    const offset = this.seen;
    this.seen += chunk.length;
    if (this.start === null) {
      const n = Math.min(10 - offset, chunk.length);
      if (n > 0) this.prefix.set(chunk.subarray(0, n), offset);
      if (this.seen < 10) return;
      this.start = id3v2Length(this.prefix) ?? 0;
      // bytes before this chunk were held in the prefix only
      const held = this.prefix.subarray(this.start, offset);
      this.append(held);
    }
    const from = Math.max(0, this.start - offset);
    if (from < chunk.length) this.append(chunk.subarray(from));
  }

  /** Flushes the prefix of a stream shorter than 10 bytes. */
  finish(): void {
    if (this.start !== null) return;
    this.start = 0;
    this.append(this.prefix.subarray(0, Math.min(this.seen, 10)));
  }

  private append(bytes: Uint8Array): void {
    const n = Math.min(bytes.length, this.cap - this.filled);
    this.buf.set(bytes.subarray(0, n), this.filled);
    this.filled += n;
  }
}
