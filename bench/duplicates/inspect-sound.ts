import { channelsOf, decodeMono } from './processes.js';

/** Rate of the PCM kept for the label checks (not the fingerprint's). */
export const INSPECT_RATE = 44100;

/** What the set builder needs to know of an original, measured independently of the importer. */
export interface SoundInfo {
  channels: number;
  durationS: number;
  /**
   * Audible length in s: from the start of the file to the end of the last 5 ms block within
   * 30 dB of the loudest and above {@link AUDIBLE_FLOOR_DBFS}. Edits cut inside it, so they
   * are audible.
   */
  audibleS: number;
  /** Peak of the loudest 5 ms block (RMS), in dBFS; below −70 the file is taken as silent. */
  peakBlockDbfs: number;
  /** Mono PCM at INSPECT_RATE, the first {@link HEAD_S} seconds. */
  head: Float32Array;
  /** Level of each 5 ms block relative to the loudest, in dB (full band). */
  blockDb: Float32Array;
}

/** The level (full band, dB under the loudest 5 ms) of a sound at `atS` seconds. */
export function levelAt(info: SoundInfo, atS: number): number {
  const index = Math.min(info.blockDb.length - 1, Math.floor(atS / BLOCK_S));
  return info.blockDb[Math.max(0, index)] ?? -Infinity;
}

/**
 * Blocks under this RMS level are not audible whatever the sound's own peak: 16-bit dither
 * lies about 5 dB under it (a soundfont note that renders as a faint click and then dither
 * would otherwise be "audible" for its whole length, and cutting its dither called an edit).
 */
const AUDIBLE_FLOOR_DBFS = -80;

const HEAD_S = 1;
const BLOCK_S = 0.005;

/** Measures a WAV, FLAC or AIFF file (through sox). */
export async function inspectSound(path: string): Promise<SoundInfo> {
  const [channels, pcm] = await Promise.all([channelsOf(path), decodeMono(path, INSPECT_RATE)]);
  const block = Math.round(BLOCK_S * INSPECT_RATE);
  const energies: number[] = [];
  for (let start = 0; start < pcm.length; start += block) {
    let sum = 0;
    const end = Math.min(pcm.length, start + block);
    for (let i = start; i < end; i++) sum += pcm[i]! * pcm[i]!;
    energies.push(sum / Math.max(1, end - start));
  }
  const peak = energies.reduce((a, b) => Math.max(a, b), 1e-20);
  const floor = Math.max(peak * 1e-3, 10 ** (AUDIBLE_FLOOR_DBFS / 10));
  let last = 0;
  energies.forEach((e, i) => {
    if (e >= floor) last = i;
  });
  return {
    channels,
    durationS: pcm.length / INSPECT_RATE,
    audibleS: Math.min(pcm.length, (last + 1) * block) / INSPECT_RATE,
    peakBlockDbfs: 10 * Math.log10(peak),
    head: pcm.slice(0, Math.round(HEAD_S * INSPECT_RATE)),
    blockDb: Float32Array.from(energies, (e) => 10 * Math.log10(Math.max(e, 1e-20) / peak)),
  };
}
