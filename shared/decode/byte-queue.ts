/**
 * A FIFO of byte chunks written in arbitrary sizes. Reads are contiguous copies only when a read
 * spans chunks, so a parser can ask for "the next n bytes" without caring where writes split.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // index of the first unconsumed chunk (no Array.shift: writes may be 1 byte each)
  private offset = 0; // consumed bytes of chunks[head]
  private size = 0;

  /** Bytes available to read. */
  get length(): number {
    return this.size;
  }

  /** Appends a chunk (kept by reference: the caller must not reuse its buffer). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The first n bytes without consuming them. Throws RangeError if fewer are available. */
  peek(n: number): Uint8Array {
    if (n > this.size) throw new RangeError(`peek(${n}) with ${this.size} bytes queued`);
    const first = this.chunks[this.head];
    if (first && first.length - this.offset >= n)
      return first.subarray(this.offset, this.offset + n);
    const out = new Uint8Array(n);
    let filled = 0;
    let start = this.offset;
    for (let i = this.head; i < this.chunks.length && filled < n; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      const part = chunk.subarray(start, Math.min(chunk.length, start + n - filled));
      out.set(part, filled);
      filled += part.length;
      start = 0;
    }
    return out;
  }

  /** Consumes and returns the first n bytes. Throws RangeError if fewer are available. */
  take(n: number): Uint8Array {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Drops up to n bytes; returns how many were dropped. */
  skip(n: number): number {
    let left = Math.min(n, this.size);
    const dropped = left;
    while (left > 0) {
      const first = this.chunks[this.head];
      if (!first) break;
      const avail = first.length - this.offset;
      if (avail <= left) {
        this.head++;
        this.offset = 0;
        left -= avail;
      } else {
        this.offset += left;
        left = 0;
      }
    }
    this.size -= dropped;
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }
}
