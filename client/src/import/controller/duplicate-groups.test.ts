import { describe, expect, it } from 'vitest';
import type { AudioFormat } from '../../../../shared/decode/index.js';
import type { DuplicateInfo, QueueAnalysis, QueueFile } from '../../queue/queue-types.js';
import { bestCopiesFirst } from '../../../../shared/import/index.js';
import { compareQuality, duplicateGroups, manifestOrder } from './duplicate-groups.js';

function analysis(sampleRate: number): QueueAnalysis {
  return {
    kind: 'oneshot',
    durationS: 0.5,
    sampleRate,
    channels: 2,
    peakDbfs: -1,
    loudnessLufs: -14,
    bpm: null,
    bpmConfidence: 0,
    key: null,
    camelot: null,
    keyConfidence: 0,
    hints: { bpm: null, key: null, bpmAgreement: null, keyAgreement: null },
    waveform: [],
    analysedS: 0.5,
  };
}

interface Spec {
  seq: number;
  format?: AudioFormat;
  sampleRate?: number;
  bitDepth?: number | null;
  sizeBytes?: number;
  duplicate?: DuplicateInfo | null;
  resolution?: QueueFile['resolution'];
}

function file(path: string, spec: Spec): QueueFile {
  return {
    importId: 'import-1',
    path,
    seq: spec.seq,
    sizeBytes: spec.sizeBytes ?? 100_000,
    lastModified: 0,
    state: spec.duplicate ? 'duplicate' : 'analysed',
    reason: null,
    retryable: false,
    contentHash: `${String(spec.seq).padStart(16, '0')}`,
    format: spec.format ?? 'wav',
    codec: null,
    bitDepth: spec.bitDepth === undefined ? 16 : spec.bitDepth,
    analysis: analysis(spec.sampleRate ?? 44_100),
    stageMs: null,
    edits: {},
    duplicate: spec.duplicate ?? null,
    similar: [],
    resolution: spec.resolution ?? null,
    sent: false,
    entryId: null,
    uploadUrl: null,
    uploadedBytes: 0,
  };
}

const copyOf = (ref: string): DuplicateInfo => ({ of: 'selection', ref, match: 'sound' });
const inLibrary = (ref: string): DuplicateInfo => ({ of: 'library', ref, match: 'content' });

/** The paths of `files` ordered best first. */
const ranked = (...files: QueueFile[]): string[] =>
  [...files].sort(compareQuality).map((f) => f.path);

describe('compareQuality', () => {
  it('puts lossless before lossy, whatever else', () => {
    const mp3 = file('a.mp3', {
      seq: 0,
      format: 'mp3',
      sampleRate: 96_000,
      bitDepth: null,
      sizeBytes: 9e6,
    });
    const flac = file('a.flac', {
      seq: 1,
      format: 'flac',
      sampleRate: 22_050,
      bitDepth: 16,
      sizeBytes: 1e5,
    });
    const aiff = file('a.aif', { seq: 2, format: 'aiff', sampleRate: 22_050, sizeBytes: 1e5 });
    const opus = file('a.opus', { seq: 3, format: 'opus', sampleRate: 48_000, sizeBytes: 5e6 });
    expect(ranked(mp3, opus, aiff, flac)).toEqual(['a.flac', 'a.aif', 'a.mp3', 'a.opus']);
  });

  it('prefers the higher sample rate among lossless copies', () => {
    const low = file('low.wav', { seq: 0, sampleRate: 44_100, bitDepth: 24, sizeBytes: 9e6 });
    const high = file('high.wav', { seq: 1, sampleRate: 96_000, bitDepth: 16, sizeBytes: 1e5 });
    expect(ranked(low, high)).toEqual(['high.wav', 'low.wav']);
  });

  it('prefers the greater bit depth at the same rate', () => {
    const s16 = file('16.wav', { seq: 0, bitDepth: 16, sizeBytes: 9e6 });
    const s24 = file('24.wav', { seq: 1, bitDepth: 24, sizeBytes: 1e5 });
    const none = file('none.wav', { seq: 2, bitDepth: null, sizeBytes: 9e7 });
    expect(ranked(s16, none, s24)).toEqual(['24.wav', '16.wav', 'none.wav']);
  });

  it('prefers more bytes (a higher bitrate) when format, rate and depth tie', () => {
    const v128 = file('128.mp3', { seq: 0, format: 'mp3', bitDepth: null, sizeBytes: 128_000 });
    const v320 = file('320.mp3', { seq: 1, format: 'mp3', bitDepth: null, sizeBytes: 320_000 });
    expect(ranked(v128, v320)).toEqual(['320.mp3', '128.mp3']);
  });

  it('keeps discovery order when everything else ties', () => {
    const first = file('first.wav', { seq: 3 });
    const second = file('second.wav', { seq: 7 });
    expect(ranked(second, first)).toEqual(['first.wav', 'second.wav']);
    expect(compareQuality(first, first)).toBe(0);
  });

  it('ranks a file without analysis below one with a sample rate', () => {
    const bare = { ...file('bare.wav', { seq: 0 }), analysis: null };
    const analysed = file('analysed.wav', { seq: 1, sampleRate: 8000 });
    expect(ranked(bare, analysed)).toEqual(['analysed.wav', 'bare.wav']);
  });
});

describe('duplicateGroups', () => {
  it('is empty when no file is a duplicate', () => {
    expect(duplicateGroups([file('a.wav', { seq: 0 }), file('b.wav', { seq: 1 })])).toEqual([]);
  });

  it('groups selection duplicates under their first file', () => {
    const kick = file('Kick.wav', { seq: 0, bitDepth: 16 });
    const snare = file('Snare.wav', { seq: 1 });
    const kickMp3 = file('Kick.mp3', { seq: 2, format: 'mp3', duplicate: copyOf('Kick.wav') });
    const kick24 = file('Kick 24.wav', { seq: 3, bitDepth: 24, duplicate: copyOf('Kick.wav') });
    const snareCopy = file('Copy of Snare.wav', { seq: 4, duplicate: copyOf('Snare.wav') });

    const groups = duplicateGroups([kick, snare, kickMp3, kick24, snareCopy]);
    expect(groups.map((g) => g.id)).toEqual(['Kick.wav', 'Snare.wav']);

    const [kicks, snares] = groups;
    expect(kicks!.members.map((f) => f.path)).toEqual(['Kick.wav', 'Kick.mp3', 'Kick 24.wav']);
    expect(kicks!.best.path).toBe('Kick 24.wav');
    expect(kicks!.libraryAssetId).toBeNull();
    expect(kicks!.resolution).toBe('skip');

    expect(snares!.members.map((f) => f.path)).toEqual(['Snare.wav', 'Copy of Snare.wav']);
    expect(snares!.best.path).toBe('Snare.wav');
  });

  it('lists members in discovery order whatever the order of the input', () => {
    const root = file('a.wav', { seq: 0 });
    const copy1 = file('b.wav', { seq: 1, duplicate: copyOf('a.wav') });
    const copy2 = file('c.wav', { seq: 2, duplicate: copyOf('a.wav') });
    const [group] = duplicateGroups([copy2, root, copy1]);
    expect(group!.id).toBe('a.wav');
    expect(group!.members.map((f) => f.path)).toEqual(['a.wav', 'b.wav', 'c.wav']);
  });

  it('gives the library asset when the group root matches the library', () => {
    const root = file('Loop.wav', { seq: 0, duplicate: inLibrary('asset-42') });
    const copy = file('Loop.flac', {
      seq: 1,
      format: 'flac',
      bitDepth: 24,
      duplicate: copyOf('Loop.wav'),
    });
    const alone = file('Pad.wav', { seq: 2, duplicate: inLibrary('asset-7') });
    const groups = duplicateGroups([root, copy, alone]);
    expect(groups.map((g) => [g.id, g.libraryAssetId, g.members.length])).toEqual([
      ['Loop.wav', 'asset-42', 2],
      ['Pad.wav', 'asset-7', 1],
    ]);
    expect(groups[0]!.best.path).toBe('Loop.flac');
  });

  it("takes the group's resolution from its first file", () => {
    const root = file('a.wav', { seq: 0, resolution: 'keep-both' });
    const copy = file('b.wav', { seq: 1, duplicate: copyOf('a.wav'), resolution: 'replace' });
    expect(duplicateGroups([root, copy])[0]!.resolution).toBe('keep-both');
  });

  it('follows a copy of a copy to the first file of the sound', () => {
    const original = file('Loop.wav', { seq: 0 });
    const bySound = file('Loop.mp3', { seq: 1, format: 'mp3', duplicate: copyOf('Loop.wav') });
    const sameBytes = file('Copy of Loop.mp3', {
      seq: 2,
      format: 'mp3',
      duplicate: { of: 'selection', ref: 'Loop.mp3', match: 'content' },
    });
    const groups = duplicateGroups([original, bySound, sameBytes]);
    expect(groups.map((g) => [g.id, g.members.map((f) => f.path)])).toEqual([
      ['Loop.wav', ['Loop.wav', 'Loop.mp3', 'Copy of Loop.mp3']],
    ]);
    expect(groups[0]!.best.path).toBe('Loop.wav');
  });
});

describe('manifestOrder', () => {
  // Copies by identical bytes (one content hash per sound), as the CLI's run finds them too.
  const kick = { ...file('Kick.wav', { seq: 0, bitDepth: 16 }), contentHash: 'kick' };
  const snare = { ...file('Snare.wav', { seq: 1 }), contentHash: 'snare' };
  const kickMp3 = {
    ...file('Kick.mp3', { seq: 2, format: 'mp3', duplicate: copyOf('Kick.wav') }),
    contentHash: 'kick',
  };
  const kick24 = {
    ...file('Kick 24.wav', { seq: 3, bitDepth: 24, duplicate: copyOf('Kick.wav') }),
    contentHash: 'kick',
  };
  const snareCopy = {
    ...file('Copy of Snare.wav', { seq: 4, duplicate: copyOf('Snare.wav') }),
    contentHash: 'snare',
  };
  const files = [kick, snare, kickMp3, kick24, snareCopy];

  it("sends each sound's kept copy first, in the place of its first file, the rest in discovery order", () => {
    const order = manifestOrder([...files].reverse(), files);
    expect(order.map((p) => p.file.path)).toEqual([
      'Kick 24.wav',
      'Kick.wav',
      'Kick.mp3',
      'Snare.wav',
      'Copy of Snare.wav',
    ]);
    expect(order.map((p) => p.onDuplicate)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip']);
  });

  it('is the order the CLI sends the same files in (bestCopiesFirst)', () => {
    const cli = bestCopiesFirst(files, (f) => ({
      path: f.path,
      contentHash: f.contentHash,
      fingerprint: null,
      quality: {
        format: f.format ?? null,
        sampleRate: f.analysis?.sampleRate ?? null,
        bitDepth: f.bitDepth ?? null,
        sizeBytes: f.sizeBytes,
      },
    }));
    expect(manifestOrder(files, files).map((p) => p.file)).toEqual(cli);
  });
});
