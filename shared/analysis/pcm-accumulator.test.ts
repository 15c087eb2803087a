import { describe, expect, it } from 'vitest';
import { ANALYSIS_SAMPLE_RATE, MAX_ANALYSIS_WINDOW_S } from './constants.js';
import { createPcmAccumulator } from './pcm-accumulator.js';

function tone(rate: number, seconds: number, amplitude: number, freqHz = 1000): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++)
    out[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / rate);
  return out;
}

describe('createPcmAccumulator', () => {
  it('measures duration exactly from the sample count, peak, loudness and a waveform', () => {
    const left = tone(48000, 2.5, 0.5);
    const right = tone(48000, 2.5, 0.25);
    const acc = createPcmAccumulator(48000, 2);
    for (let i = 0; i < left.length; i += 1000) {
      acc.push([left.subarray(i, i + 1000), right.subarray(i, i + 1000)]);
    }
    const { stats, canonical } = acc.finish();
    expect(stats.frames).toBe(120000);
    expect(stats.durationS).toBe(2.5);
    expect(stats.peakDbfs).toBeCloseTo(20 * Math.log10(0.5), 2);
    // Power sum of a -6 dBFS and a -12 dBFS 1 kHz sine.
    const expected = -0.691 + 10 * Math.log10(0.5 ** 2 / 2 + 0.25 ** 2 / 2) + 0.691;
    expect(stats.loudnessLufs).toBeCloseTo(expected, 1);
    expect(stats.waveform.length).toBe(256);
    expect(Math.max(...stats.waveform)).toBeCloseTo(0.5, 2);
    expect(canonical.sampleRate).toBe(ANALYSIS_SAMPLE_RATE);
    expect(canonical.samples.length).toBe(Math.ceil(2.5 * ANALYSIS_SAMPLE_RATE));
    expect(canonical.complete).toBe(true);
  });

  it('reports digital silence as no peak and no loudness', () => {
    const acc = createPcmAccumulator(44100, 1);
    acc.push([new Float32Array(44100)]);
    const { stats } = acc.finish();
    expect(stats.peakDbfs).toBeNull();
    expect(stats.loudnessLufs).toBeNull();
    expect(stats.durationS).toBe(1);
  });

  it('keeps only the analysis window of a longer stream, and measures all of it', () => {
    const rate = 8000;
    const chunk = tone(rate, 10, 0.1, 440);
    const acc = createPcmAccumulator(rate, 1);
    const chunks = MAX_ANALYSIS_WINDOW_S / 10 + 6; // one minute past the window
    for (let i = 0; i < chunks; i++) acc.push([chunk]);
    const { stats, canonical } = acc.finish();
    expect(stats.durationS).toBe(chunks * 10);
    expect(canonical.complete).toBe(false);
    expect(canonical.samples.length).toBe(MAX_ANALYSIS_WINDOW_S * ANALYSIS_SAMPLE_RATE);
  });

  it('handles a 5 ms file', () => {
    const acc = createPcmAccumulator(44100, 2);
    const x = tone(44100, 0.005, 0.8);
    acc.push([x, x]);
    const { stats, canonical } = acc.finish();
    expect(stats.durationS).toBe(x.length / 44100);
    expect(stats.peakDbfs).toBeGreaterThan(-2.5);
    expect(stats.loudnessLufs).not.toBeNull();
    expect(canonical.samples.length).toBe(Math.ceil((x.length * ANALYSIS_SAMPLE_RATE) / 44100));
  });

  it('rejects a stream without channels', () => {
    expect(() => createPcmAccumulator(44100, 0)).toThrow(/at least one channel/);
  });
});
