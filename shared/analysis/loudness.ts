/**
 * Integrated loudness after ITU-R BS.1770-4 / EBU R128, streamed: K-weighting at the source
 * rate (coefficients derived for any rate from the analog prototypes), 400 ms blocks every
 * 100 ms, absolute gate at -70 LUFS and relative gate at -10 LU.
 */

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** BS.1770 stage 1 (high shelf, +4 dB above ~1.7 kHz) for `sampleRate` Hz. */
function shelfFilter(sampleRate: number): Biquad {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = Math.pow(10, gainDb / 20);
  const vb = Math.pow(vh, 0.4996667741545416);
  const a0 = 1 + k / q + k * k;
  return {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

/** BS.1770 stage 2 (RLB high-pass at ~38 Hz) for `sampleRate` Hz. */
function highPassFilter(sampleRate: number): Biquad {
  const f0 = 38.13547087602444;
  const q = 0.5003270373238773;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const a0 = 1 + k / q + k * k;
  return {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

/**
 * Channel weights for BS.1770 in WAV/SMPTE order (L R C LFE Ls Rs …): the LFE channel of a
 * 5.1/7.1 layout is excluded, surrounds weigh 1.41.
 */
function channelWeights(channels: number): number[] {
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41];
  if (channels === 8) return [1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41];
  return Array.from({ length: channels }, () => 1);
}

/** A filter state value under this (-600 dB) is silence. */
const SILENT_STATE = 1e-30;

export interface LoudnessMeter {
  /** Adds a planar chunk (one Float32Array per channel, equal lengths). */
  push(channels: Float32Array[]): void;
  /**
   * Integrated loudness in LUFS, or null when everything is below the -70 LUFS gate.
   * Material shorter than one 400 ms block is measured as one block over its whole length.
   */
  integratedLufs(): number | null;
}

/** Creates a streaming integrated-loudness meter for `channels` channels at `sampleRate` Hz. */
export function createLoudnessMeter(sampleRate: number, channels: number): LoudnessMeter {
  const { b0: sb0, b1: sb1, b2: sb2, a1: sa1, a2: sa2 } = shelfFilter(sampleRate);
  const { b0: hb0, b1: hb1, b2: hb2, a1: ha1, a2: ha2 } = highPassFilter(sampleRate);
  const weights = channelWeights(channels);
  // Per channel filter state: shelf x1 x2 y1 y2, high-pass x1 x2 y1 y2.
  const state = Array.from({ length: channels }, () => new Float64Array(8));
  const stepFrames = Math.round(sampleRate / 10); // 100 ms
  const stepPower: number[] = []; // weighted mean-square power of each complete 100 ms step
  let partial = 0; // weighted energy of the step being filled
  let partialFrames = 0;
  let totalEnergy = 0;
  let totalFrames = 0;

  /** K-weights x[from, to) through the channel's filter state; returns the filtered energy. */
  function weightedEnergy(x: Float32Array, s: Float64Array, from: number, to: number): number {
    let sx1 = s[0]!,
      sx2 = s[1]!,
      sy1 = s[2]!,
      sy2 = s[3]!;
    let hx1 = s[4]!,
      hx2 = s[5]!,
      hy1 = s[6]!,
      hy2 = s[7]!;
    let energy = 0;
    for (let i = from; i < to; i++) {
      const v = x[i]!;
      const y = sb0 * v + sb1 * sx1 + sb2 * sx2 - sa1 * sy1 - sa2 * sy2;
      sx2 = sx1;
      sx1 = v;
      sy2 = sy1;
      sy1 = y;
      const z = hb0 * y + hb1 * hx1 + hb2 * hx2 - ha1 * hy1 - ha2 * hy2;
      hx2 = hx1;
      hx1 = y;
      hy2 = hy1;
      hy1 = z;
      energy += z * z;
    }
    s[0] = sx1;
    s[1] = sx2;
    s[2] = sy1;
    s[3] = sy2;
    s[4] = hx1;
    s[5] = hx2;
    s[6] = hy1;
    s[7] = hy2;
    // In silence the state decays towards subnormal numbers, whose arithmetic is about 20
    // times slower (a one-shot's silent tail cost more than its hit). Under -600 dB it is
    // silence: it is let go to zero here, long before it could turn subnormal (that takes
    // seconds of decay, and this runs at least every 100 ms).
    for (let k = 0; k < 8; k++) if (Math.abs(s[k]!) < SILENT_STATE) s[k] = 0;
    return energy;
  }

  return {
    push(data) {
      const frames = data[0]?.length ?? 0;
      let offset = 0;
      while (offset < frames) {
        const n = Math.min(frames - offset, stepFrames - partialFrames);
        for (let c = 0; c < channels; c++) {
          const weight = weights[c] ?? 1;
          if (weight !== 0)
            partial += weight * weightedEnergy(data[c]!, state[c]!, offset, offset + n);
        }
        partialFrames += n;
        offset += n;
        if (partialFrames === stepFrames) {
          stepPower.push(partial / stepFrames);
          totalEnergy += partial;
          totalFrames += stepFrames;
          partial = 0;
          partialFrames = 0;
        }
      }
    },
    integratedLufs() {
      const blocks: number[] = [];
      for (let i = 3; i < stepPower.length; i++) {
        blocks.push(
          (stepPower[i - 3]! + stepPower[i - 2]! + stepPower[i - 1]! + stepPower[i]!) / 4,
        );
      }
      if (blocks.length === 0) {
        const frames = totalFrames + partialFrames;
        if (frames === 0) return null;
        blocks.push((totalEnergy + partial) / frames);
      }
      const lufs = (power: number) => -0.691 + 10 * Math.log10(power);
      const absolute = blocks.filter((p) => lufs(p) > -70);
      if (absolute.length === 0) return null;
      const mean = (ps: number[]) => ps.reduce((a, b) => a + b, 0) / ps.length;
      const threshold = lufs(mean(absolute)) - 10;
      const relative = absolute.filter((p) => lufs(p) > threshold);
      return lufs(mean(relative));
    },
  };
}
