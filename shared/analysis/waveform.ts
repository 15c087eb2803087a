/**
 * A waveform overview built while streaming, without knowing the length in advance: peaks of
 * fixed-size blocks, with the block size doubling (pairs merged) whenever the list outgrows
 * twice the points asked for, then reduced to exactly `points` at the end.
 */
export interface WaveformBuilder {
  /** Adds a planar chunk; the overview keeps the largest absolute sample of any channel. */
  push(channels: Float32Array[]): void;
  /** Largest absolute sample seen so far, on any channel (1 = full scale; may exceed 1 for float input). */
  peak(): number;
  /** Peak levels in 0..1, `points` values spread evenly over the whole stream (fewer if it is shorter). */
  finish(): number[];
}

/**
 * The builder as a class, not closures: its methods are one function for every instance, so
 * V8 optimises them once for the whole run instead of once per file.
 */
class PeakWaveformBuilder implements WaveformBuilder {
  private blockFrames = 16;
  private readonly peaks: number[] = [];
  private current = 0;
  private currentFrames = 0;
  private overall = 0;
  private readonly points: number;

  constructor(points: number) {
    this.points = points;
  }

  private merge(): void {
    const { peaks } = this;
    for (let i = 0; i < peaks.length / 2; i++) {
      peaks[i] = Math.max(peaks[2 * i]!, peaks[2 * i + 1] ?? 0);
    }
    peaks.length = Math.ceil(peaks.length / 2);
    this.blockFrames *= 2;
  }

  push(channels: Float32Array[]): void {
    const frames = channels[0]?.length ?? 0;
    let offset = 0;
    while (offset < frames) {
      const n = Math.min(frames - offset, this.blockFrames - this.currentFrames);
      for (const channel of channels) this.current = blockPeak(channel, offset, n, this.current);
      this.currentFrames += n;
      offset += n;
      if (this.currentFrames === this.blockFrames) {
        const current = this.current;
        this.peaks.push(current);
        if (current > this.overall) this.overall = current;
        this.current = 0;
        this.currentFrames = 0;
        if (this.peaks.length >= 4 * this.points) this.merge();
      }
    }
  }

  peak(): number {
    return Math.max(this.overall, this.current);
  }

  finish(): number[] {
    const { points } = this;
    const all = this.currentFrames > 0 ? [...this.peaks, this.current] : [...this.peaks];
    if (all.length <= points) return all.map(round);
    const out: number[] = [];
    for (let p = 0; p < points; p++) {
      const from = Math.floor((p * all.length) / points);
      const to = Math.floor(((p + 1) * all.length) / points);
      let m = 0;
      for (let i = from; i < to; i++) m = Math.max(m, all[i]!);
      out.push(round(m));
    }
    return out;
  }
}

/** The larger of `m` and the largest absolute sample of channel[offset .. offset + n). */
function blockPeak(channel: Float32Array, offset: number, n: number, m: number): number {
  for (let i = offset; i < offset + n; i++) {
    const v = channel[i]!;
    if (v > m) m = v;
    else if (-v > m) m = -v;
  }
  return m;
}

/** Creates an overview of `points` peak values (default 256). */
export function createWaveformBuilder(points = 256): WaveformBuilder {
  return new PeakWaveformBuilder(points);
}

function round(v: number): number {
  return Math.round(Math.min(1, v) * 1000) / 1000;
}
