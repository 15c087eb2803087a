import { createCanonicalWindow, type CanonicalPcm } from './canonical-window.js';
import { ANALYSIS_SAMPLE_RATE } from './constants.js';
import { createDetailWindow } from './detail-window.js';
import { createLoudnessMeter } from './loudness.js';
import { createResampler } from './resample.js';
import { createWaveformBuilder } from './waveform.js';

/** What is measured over the whole stream, at its own rate and channel layout. */
export interface StreamStats {
  /** Decoded sample frames divided by the sample rate, in seconds. */
  durationS: number;
  frames: number;
  sampleRate: number;
  channels: number;
  /** Sample peak in dBFS over all channels; null for digital silence. */
  peakDbfs: number | null;
  /** Integrated loudness (EBU R128) in LUFS; null when all of it is below -70 LUFS. */
  loudnessLufs: number | null;
  /** Peak overview in 0..1 for the UI. */
  waveform: number[];
}

export type { CanonicalPcm };

export interface PcmAccumulator {
  /** Adds a planar chunk at the stream's rate (one Float32Array per channel, equal lengths). */
  push(channels: Float32Array[]): void;
  finish(): { stats: StreamStats; canonical: CanonicalPcm };
}

/**
 * Streams decoded PCM through every whole-file measurement (duration, peak, loudness,
 * waveform) and keeps a mono copy at the analysis rate, capped at MAX_ANALYSIS_WINDOW_S,
 * so that memory stays bounded whatever the file's length.
 */
export function createPcmAccumulator(sampleRate: number, channels: number): PcmAccumulator {
  if (!(channels >= 1))
    throw new RangeError(`a stream needs at least one channel, got ${channels}`);
  const loudness = createLoudnessMeter(sampleRate, channels);
  const waveform = createWaveformBuilder();
  const resampler = createResampler(sampleRate, ANALYSIS_SAMPLE_RATE);
  const window = createCanonicalWindow();
  const detail = createDetailWindow(sampleRate);
  let frames = 0;

  return {
    push(data) {
      const n = data[0]?.length ?? 0;
      if (n === 0) return;
      frames += n;
      loudness.push(data);
      waveform.push(data);
      if (window.full) return;
      let mono: Float32Array;
      if (data.length === 1) mono = data[0]!;
      else {
        mono = new Float32Array(n);
        const scale = 1 / data.length;
        for (const channel of data) for (let i = 0; i < n; i++) mono[i]! += channel[i]! * scale;
      }
      window.push(resampler.push(mono));
      detail.push(mono);
    },
    finish() {
      if (!window.full) window.push(resampler.end());
      const peak = waveform.peak();
      return {
        stats: {
          durationS: frames / sampleRate,
          frames,
          sampleRate,
          channels,
          peakDbfs: peak > 0 ? 20 * Math.log10(peak) : null,
          loudnessLufs: loudness.integratedLufs(),
          waveform: waveform.finish(),
        },
        canonical: { ...window.finish(), detail: detail.finish() },
      };
    },
  };
}
