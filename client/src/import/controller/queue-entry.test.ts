import { describe, expect, it } from 'vitest';
import type { Fingerprint } from '../../../../shared/analysis/index.js';
import { manifestEntrySchema, type ManifestEntry } from '../../../../shared/schemas/index.js';
import type { FileEdits, QueueAnalysis, QueueFile } from '../../queue/queue-types.js';
import { queueFile } from '../../queue/test-files.js';
import { effective, queueEntry, unsure } from './queue-entry.js';

const ANALYSIS: QueueAnalysis = {
  kind: 'loop',
  durationS: 3.75,
  sampleRate: 44_100,
  channels: 2,
  peakDbfs: -0.51234,
  loudnessLufs: -9.87654,
  bpm: 128,
  bpmConfidence: 0.82,
  key: 'F# minor',
  camelot: '11A',
  keyConfidence: 0.64,
  hints: { bpm: 128, key: 'F# minor', bpmAgreement: 'agrees', keyAgreement: 'agrees' },
  waveform: [0.1, 0.5, 0.2],
  analysedS: 3.75,
};

const PRINT: Fingerprint = {
  v: 1,
  durationMs: 3750,
  edgeMs: 4,
  frameMs: 23.2,
  frames: 2,
  matrix: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  profile: 'AAAA',
};

function loop(edits: FileEdits = {}): QueueFile {
  return queueFile('Loops/House/Loop_128bpm_F#min.wav', {
    seq: 4,
    sizeBytes: 661_544,
    analysis: ANALYSIS,
    edits,
  });
}

function withPatch(edits: FileEdits, patch: Partial<QueueFile>): QueueFile {
  return { ...loop(edits), ...patch };
}

function ok(entry: ManifestEntry): Extract<ManifestEntry, { status: 'ok' }> {
  expect(manifestEntrySchema.parse(entry)).toEqual(entry);
  if (entry.status !== 'ok') throw new Error(`expected an ok entry, got ${JSON.stringify(entry)}`);
  return entry;
}

describe('unsure', () => {
  const NO_HINTS = { bpm: null, key: null, bpmAgreement: null, keyAgreement: null };
  const measured = (bpmConfidence: number, keyConfidence: number, edits: FileEdits = {}) =>
    unsure({
      ...loop(edits),
      analysis: { ...ANALYSIS, bpmConfidence, keyConfidence, hints: NO_HINTS },
    });

  it('marks a tempo or key measured with low confidence', () => {
    expect(measured(0.95, 0.9)).toEqual({ bpm: false, key: false });
    expect(measured(0.62, 0.5)).toEqual({ bpm: true, key: true });
  });

  it('trusts a value the name agrees with, or the user set', () => {
    expect(
      unsure({ ...loop(), analysis: { ...ANALYSIS, bpmConfidence: 0.5, keyConfidence: 0.4 } }),
    ).toEqual({ bpm: false, key: false });
    expect(measured(0.62, 0.5, { bpm: 85, key: 'A minor' })).toEqual({ bpm: false, key: false });
  });
});

describe('effective', () => {
  it('is the analysis when nothing was edited', () => {
    expect(effective(loop())).toEqual({ bpm: 128, key: 'F# minor', kind: 'loop' });
  });

  it('puts edits over the analysis, null included', () => {
    expect(effective(loop({ bpm: 126.5, key: 'A minor', kind: 'track' }))).toEqual({
      bpm: 126.5,
      key: 'A minor',
      kind: 'track',
    });
    expect(effective(loop({ bpm: null, key: null }))).toEqual({
      bpm: null,
      key: null,
      kind: 'loop',
    });
  });

  it('is all null for a file not analysed and not edited', () => {
    expect(effective(withPatch({}, { analysis: null }))).toEqual({
      bpm: null,
      key: null,
      kind: null,
    });
  });
});

describe('queueEntry', () => {
  it('sends the analysis as the manifest entry when nothing was edited', () => {
    const entry = ok(queueEntry(loop(), PRINT, null));
    expect(entry).toEqual({
      status: 'ok',
      path: 'Loops/House/Loop_128bpm_F#min.wav',
      content_hash: '0123456789abcdef',
      size_bytes: 661_544,
      kind: 'loop',
      duration_s: 3.75,
      sample_rate: 44_100,
      channels: 2,
      format: 'wav',
      bpm: 128,
      bpm_confidence: 0.82,
      key: 'F# minor',
      camelot: '11A',
      key_confidence: 0.64,
      loudness_lufs: -9.88,
      peak_dbfs: -0.51,
      fingerprint: PRINT,
    });
    expect(entry).not.toHaveProperty('on_duplicate');
  });

  it('applies an edited bpm with full confidence, and a cleared one with none', () => {
    const edited = ok(queueEntry(loop({ bpm: 64 }), null, null));
    expect([edited.bpm, edited.bpm_confidence]).toEqual([64, 1]);
    expect(edited.key).toBe('F# minor');
    expect(edited.key_confidence).toBe(0.64);
    expect(edited.fingerprint).toBeNull();

    const cleared = ok(queueEntry(loop({ bpm: null }), null, null));
    expect([cleared.bpm, cleared.bpm_confidence]).toEqual([null, 0]);
  });

  it('applies an edited key and recomputes its camelot code', () => {
    const entry = ok(queueEntry(loop({ key: 'A minor' }), PRINT, null));
    expect([entry.key, entry.camelot, entry.key_confidence]).toEqual(['A minor', '8A', 1]);
    const major = ok(queueEntry(loop({ key: 'C# major' }), PRINT, null));
    expect([major.key, major.camelot]).toEqual(['Db major', '3B']);
    expect(major.bpm).toBe(128);
    expect(major.bpm_confidence).toBe(0.82);
  });

  it('sends an edited key in its standard spelling, whatever the user typed', () => {
    const cases: [string, string, string][] = [
      ['Am', 'A minor', '8A'],
      ['A# minor', 'Bb minor', '3A'],
      ['Ebm', 'Eb minor', '2A'],
      ['8A', 'A minor', '8A'],
      ['f# minor', 'F# minor', '11A'],
      [' A minor ', 'A minor', '8A'],
    ];
    for (const [typed, key, camelot] of cases) {
      const entry = ok(queueEntry(loop({ key: typed }), PRINT, null));
      expect([entry.key, entry.camelot]).toEqual([key, camelot]);
      expect(manifestEntrySchema.safeParse(entry).success).toBe(true);
    }
  });

  it('sends no tempo for an edited bpm that is not a positive number', () => {
    for (const bpm of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const entry = ok(queueEntry(loop({ bpm }), null, null));
      expect([entry.bpm, entry.bpm_confidence]).toEqual([null, 0]);
      expect(manifestEntrySchema.safeParse(entry).success).toBe(true);
    }
  });

  it('turns a key that is not a key into none', () => {
    const entry = ok(queueEntry(loop({ key: 'H minor' }), PRINT, null));
    expect([entry.key, entry.camelot, entry.key_confidence]).toEqual([null, null, 0]);
    const cleared = ok(queueEntry(loop({ key: null }), PRINT, null));
    expect([cleared.key, cleared.camelot, cleared.key_confidence]).toEqual([null, null, 0]);
  });

  it('applies an edited kind', () => {
    expect(ok(queueEntry(loop({ kind: 'oneshot' }), null, null)).kind).toBe('oneshot');
    expect(ok(queueEntry(loop({ kind: 'track' }), null, null)).kind).toBe('track');
  });

  it('gives a one-shot a bpm and key the user typed', () => {
    const oneshot = withPatch(
      { bpm: 120, key: 'G major', kind: 'loop' },
      {
        analysis: {
          ...ANALYSIS,
          kind: 'oneshot',
          bpm: null,
          bpmConfidence: 0,
          key: null,
          camelot: null,
          keyConfidence: 0,
        },
      },
    );
    const entry = ok(queueEntry(oneshot, null, null));
    expect(entry).toMatchObject({
      kind: 'loop',
      bpm: 120,
      bpm_confidence: 1,
      key: 'G major',
      camelot: '9B',
      key_confidence: 1,
    });
  });

  it.each(['skip', 'replace', 'keep-both'] as const)(
    'adds on_duplicate %s when given',
    (choice) => {
      const entry = ok(queueEntry(loop(), PRINT, choice));
      expect(entry.on_duplicate).toBe(choice);
    },
  );

  it('makes a failed file an error entry with its reason', () => {
    const failed = withPatch(
      { bpm: 100 },
      {
        state: 'failed',
        reason: 'cannot decode mp3: truncated',
        analysis: null,
        contentHash: '0123456789abcdef',
      },
    );
    const entry = queueEntry(failed, null, 'replace');
    expect(manifestEntrySchema.parse(entry)).toEqual(entry);
    expect(entry).toEqual({
      status: 'error',
      path: 'Loops/House/Loop_128bpm_F#min.wav',
      error: 'cannot decode mp3: truncated',
    });
  });

  it('gives a failed file without a reason a readable one', () => {
    const entry = queueEntry(withPatch({}, { state: 'failed', reason: null }), null, null);
    expect(entry.status).toBe('error');
    expect(entry).toMatchObject({ error: expect.stringMatching(/\w+ \w+/) });
  });
});
