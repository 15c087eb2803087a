import { ANALYSIS_SAMPLE_RATE, MAX_ANALYSIS_WINDOW_S } from './constants.js';
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

/** The canonical PCM the analysis functions take: mono at ANALYSIS_SAMPLE_RATE. */
export interface CanonicalPcm {
  samples: Float32Array;
  sampleRate: number;
  /** False when the stream was longer than MAX_ANALYSIS_WINDOW_S and only its start was kept. */
  complete: boolean;
}

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
  const capacity = MAX_ANALYSIS_WINDOW_S * ANALYSIS_SAMPLE_RATE;
  let canonical = new Float32Array(Math.min(capacity, ANALYSIS_SAMPLE_RATE * 8));
  let kept = 0;
  let complete = true;
  let frames = 0;

  function keep(mono: Float32Array): void {
    const room = capacity - kept;
    if (mono.length > room) complete = false;
    const n = Math.min(room, mono.length);
    if (kept + n > canonical.length) {
      const grown = new Float32Array(Math.min(capacity, Math.max(kept + n, canonical.length * 2)));
      grown.set(canonical.subarray(0, kept));
      canonical = grown;
    }
    canonical.set(mono.subarray(0, n), kept);
    kept += n;
  }

  return {
    push(data) {
      const n = data[0]?.length ?? 0;
      if (n === 0) return;
      frames += n;
      loudness.push(data);
      waveform.push(data);
      if (!complete) return;
      let mono: Float32Array;
      if (data.length === 1) mono = data[0]!;
      else {
        mono = new Float32Array(n);
        const scale = 1 / data.length;
        for (const channel of data) for (let i = 0; i < n; i++) mono[i]! += channel[i]! * scale;
      }
      keep(resampler.push(mono));
    },
    finish() {
      if (complete) keep(resampler.end());
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
        canonical: {
          samples: canonical.slice(0, kept),
          sampleRate: ANALYSIS_SAMPLE_RATE,
          complete,
        },
      };
    },
  };
}
