/** Where one file's analysis time went, in ms of the thread that did it (≈ its CPU time). */
export interface StageTimes {
  /** Reading the bytes (from disk, or from a browser File). */
  read: number;
  /** xxh64 of the bytes. */
  hash: number;
  /** Decoding to PCM, with the streaming measures (peak, loudness, waveform, resampling). */
  decode: number;
  /** Tempo, key and kind. */
  analyse: number;
  /** The perceptual fingerprint. */
  fingerprint: number;
}

/** An accumulator of stage times: `time(stage, work)` adds how long `work` took to `stage`. */
export class StageClock {
  readonly ms: StageTimes = { read: 0, hash: 0, decode: 0, analyse: 0, fingerprint: 0 };

  time<T>(stage: keyof StageTimes, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.ms[stage] += performance.now() - start;
    }
  }

  async timeAsync<T>(stage: keyof StageTimes, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.ms[stage] += performance.now() - start;
    }
  }

  /** Moves `ms` from one stage to another (work measured inside another stage's span). */
  move(from: keyof StageTimes, to: keyof StageTimes, ms: number): void {
    this.ms[from] -= ms;
    this.ms[to] += ms;
  }

  private nested = { read: 0, hash: 0 };

  /**
   * Chunks of a streamed file, the wait for each counted as reading. Used inside another
   * stage's span that also hashes: call {@link settle} after it so that reading and hashing
   * are not counted twice.
   */
  async *reads(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    this.nested = { read: this.ms.read, hash: this.ms.hash };
    const iterator = chunks[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.timeAsync('read', () => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  }

  /** Takes the reading and hashing done since {@link reads} began out of `span`. */
  settle(span: keyof StageTimes): void {
    this.ms[span] -= this.ms.read - this.nested.read + (this.ms.hash - this.nested.hash);
  }
}
