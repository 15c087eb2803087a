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

/** Creates an overview of `points` peak values (default 256). */
export function createWaveformBuilder(points = 256): WaveformBuilder {
  let blockFrames = 16;
  const peaks: number[] = [];
  let current = 0;
  let currentFrames = 0;
  let overall = 0;

  function merge(): void {
    for (let i = 0; i < peaks.length / 2; i++) {
      peaks[i] = Math.max(peaks[2 * i]!, peaks[2 * i + 1] ?? 0);
    }
    peaks.length = Math.ceil(peaks.length / 2);
    blockFrames *= 2;
  }

  return {
    push(channels) {
      const frames = channels[0]?.length ?? 0;
      let offset = 0;
      while (offset < frames) {
        const n = Math.min(frames - offset, blockFrames - currentFrames);
        for (const channel of channels) {
          let m = current;
          for (let i = offset; i < offset + n; i++) {
            const v = channel[i]!;
            if (v > m) m = v;
            else if (-v > m) m = -v;
          }
          current = m;
        }
        currentFrames += n;
        offset += n;
        if (currentFrames === blockFrames) {
          peaks.push(current);
          if (current > overall) overall = current;
          current = 0;
          currentFrames = 0;
          if (peaks.length >= 4 * points) merge();
        }
      }
    },
    peak: () => Math.max(overall, current),
    finish() {
      const all = currentFrames > 0 ? [...peaks, current] : [...peaks];
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
    },
  };
}

function round(v: number): number {
  return Math.round(Math.min(1, v) * 1000) / 1000;
}
