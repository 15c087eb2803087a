import { describe, expect, it } from 'vitest';
import type { AnalysisLine } from '../../../shared/schemas/index.js';
import { tableRow } from './table.js';

const line: AnalysisLine = {
  path: '/samples/Kick edit.wav',
  status: 'ok',
  error: null,
  kind: 'oneshot',
  duration_s: 0.48,
  sample_rate: 44100,
  channels: 1,
  format: 'wav',
  bpm: null,
  bpm_confidence: null,
  key: null,
  camelot: null,
  key_confidence: null,
  loudness_lufs: -14.04,
  peak_dbfs: -1,
  content_hash: '0123456789abcdef',
  duplicate_of: null,
  duplicate_by: null,
  codec: 'pcm',
  bit_depth: 16,
  size_bytes: 42380,
  bpm_hint: null,
  bpm_hint_agreement: null,
  key_hint: null,
  key_hint_agreement: null,
  analysed_s: 0.48,
  similar_to: [],
};

describe('tableRow', () => {
  it('is one row for a file that is close to nothing', () => {
    expect(tableRow(line, '/samples')).toBe(
      'oneshot 0.48s   -      -             -14.0 -1.0  Kick edit.wav',
    );
  });

  it('marks a tempo or key worth a second listen, unless the name agrees with it', () => {
    const loop = {
      ...line,
      path: '/samples/Chords.wav',
      kind: 'loop' as const,
      duration_s: 4,
      bpm: 170,
      key: 'F# minor',
      camelot: '11A',
    };
    const row = (over: Partial<AnalysisLine>) => tableRow({ ...loop, ...over }, '/samples');
    expect(row({ bpm_confidence: 0.95, key_confidence: 0.9 })).toMatch(/ 170 +F# minor +11A /);
    expect(row({ bpm_confidence: 0.6, key_confidence: 0.5 })).toMatch(/ 170\? +F# minor\? +11A /);
    // The name's 85 set the octave of a pulse measured at 170.2: the reported 85.1 is trusted.
    expect(
      row({
        bpm: 85.1,
        bpm_confidence: 0.6,
        key_confidence: 0.5,
        bpm_hint: 85,
        bpm_hint_agreement: 'octave',
        key_hint: 'F# minor',
        key_hint_agreement: 'agrees',
      }),
    ).toMatch(/ 85\.1 +F# minor +11A /);
    // "64 BPM" on a loop reported at 128 did not set its octave (64 is no tempo producers
    // write for it), so it vouches for nothing.
    expect(
      row({ bpm: 128, bpm_confidence: 0.6, bpm_hint: 64, bpm_hint_agreement: 'octave' }),
    ).toMatch(/ 128\? /);
  });

  it('names the duplicate on the row, and nothing similar', () => {
    const copy = {
      ...line,
      duplicate_of: '/samples/Kick.wav',
      duplicate_by: 'fingerprint' as const,
    };
    expect(tableRow(copy, '/samples')).toMatch(
      /Kick edit\.wav {2}= duplicate of Kick\.wav \(same sound\)$/,
    );
  });

  it('names the similar files under the row, relative to the folder', () => {
    const similar = { ...line, similar_to: ['/samples/Kick.wav', '/samples/old/Kick 2.wav'] };
    expect(tableRow(similar, '/samples').split('\n')).toEqual([
      tableRow(line, '/samples'),
      '        ~ similar to: Kick.wav, old/Kick 2.wav (both kept)',
    ]);
  });
});
