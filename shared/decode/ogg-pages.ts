import { concat } from './wasm-stream.js';

/** Bytes of an Ogg page header before its segment table. */
const HEADER_BYTES = 27;
/** Header type flag of a stream's last page. */
const END_OF_STREAM = 0x04;
/** Header type flag of a stream's first page. */
const BEGINNING_OF_STREAM = 0x02;
/** Bytes of an OpusHead packet up to its pre-skip field and a little beyond (RFC 7845). */
const OPUS_HEAD_BYTES = 19;

/**
 * Reads the Ogg page headers of a stream as its bytes pass (in any chunking), without holding
 * more than one header: the Opus pre-skip of the first page's OpusHead, and the granule
 * position of the end-of-stream page. An Opus stream holds `endGranule - preSkip` sample
 * frames at 48 kHz (RFC 7845, section 4); a decoder's own count can be off when the only audio
 * page is also the last. Gives up quietly (no count) on bytes that are not Ogg pages and on
 * chained or multiplexed streams.
 */
export class OggPageReader {
  private header: Uint8Array = new Uint8Array(0);
  private bodyLeft = 0;
  private pages = 0;
  private firstBody: number[] = [];
  private broken = false;
  private preSkip: number | null = null;
  private endGranule: number | null = null;

  push(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length && !this.broken) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, bytes.length - at);
        if (this.pages === 1 && this.firstBody.length < OPUS_HEAD_BYTES) {
          this.firstBody.push(
            ...bytes.subarray(at, at + Math.min(n, OPUS_HEAD_BYTES - this.firstBody.length)),
          );
          if (this.firstBody.length >= OPUS_HEAD_BYTES) this.readOpusHead();
        }
        at += n;
        this.bodyLeft -= n;
        continue;
      }
      if (this.header.length < HEADER_BYTES) {
        at += this.take(bytes, at, HEADER_BYTES);
        if (this.header.length < HEADER_BYTES) continue;
        if (!startsWithOggS(this.header)) {
          this.broken = true;
          continue;
        }
      }
      const need = HEADER_BYTES + this.header[26]!;
      at += this.take(bytes, at, need);
      if (this.header.length === need) this.endPage();
    }
  }

  /** Sample frames the stream declares once its last page has passed; null before or if not Opus. */
  opusFrames(): number | null {
    if (this.broken || this.preSkip === null || this.endGranule === null) return null;
    return Math.max(0, this.endGranule - this.preSkip);
  }

  /** Appends bytes from `at` to the header until it holds `upTo` bytes; returns how many. */
  private take(bytes: Uint8Array, at: number, upTo: number): number {
    const n = Math.max(0, Math.min(upTo - this.header.length, bytes.length - at));
    if (n > 0)
      this.header = concat([this.header, bytes.subarray(at, at + n)], this.header.length + n);
    return n;
  }

  private endPage(): void {
    const h = this.header;
    let body = 0;
    for (let i = 0; i < h[26]!; i++) body += h[HEADER_BYTES + i]!;
    const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const granule = Number(view.getBigInt64(6, true));
    // A second stream (chained or multiplexed Ogg): its counts are not this one's.
    if (this.pages > 0 && (h[5]! & BEGINNING_OF_STREAM) !== 0) this.broken = true;
    if ((h[5]! & END_OF_STREAM) !== 0 && granule >= 0) this.endGranule = granule;
    this.pages++;
    this.header = new Uint8Array(0);
    this.bodyLeft = body;
  }

  private readOpusHead(): void {
    const b = this.firstBody;
    const magic = String.fromCharCode(...b.slice(0, 8));
    if (magic === 'OpusHead') this.preSkip = b[10]! | (b[11]! << 8);
  }
}

function startsWithOggS(h: Uint8Array): boolean {
  return h[0] === 0x4f && h[1] === 0x67 && h[2] === 0x67 && h[3] === 0x53;
}
