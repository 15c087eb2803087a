import { describe, expect, it } from 'vitest';
import { kick, snare } from '../analysis/fingerprint/test-signals.js';
import { gain } from '../analysis/fingerprint/test-transforms.js';
import { fingerprintOfPcm, RATE } from '../analysis/fingerprint/test-variants.js';
import {
  bestCopiesFirst,
  compareCopyQuality,
  copiesTogether,
  entryCopy,
  type CopyQuality,
  type RunCopy,
} from './copy-order.js';
import type { ManifestEntry } from '../schemas/index.js';

const mp3: CopyQuality = { format: 'mp3', sampleRate: 44100, bitDepth: null, sizeBytes: 9_000 };
const wav16: CopyQuality = { format: 'wav', sampleRate: 44100, bitDepth: 16, sizeBytes: 40_000 };
const wav24: CopyQuality = { format: 'wav', sampleRate: 44100, bitDepth: 24, sizeBytes: 60_000 };
const flac48: CopyQuality = { format: 'flac', sampleRate: 48000, bitDepth: 16, sizeBytes: 30_000 };

describe('compareCopyQuality', () => {
  it('puts lossless before lossy, then the higher rate, depth and size', () => {
    const sorted = [mp3, wav16, wav24, flac48].sort(compareCopyQuality);
    expect(sorted).toEqual([flac48, wav24, wav16, mp3]);
    const bigMp3 = { ...mp3, sizeBytes: 12_000 };
    expect([mp3, bigMp3].sort(compareCopyQuality)).toEqual([bigMp3, mp3]);
    expect(compareCopyQuality(mp3, { ...mp3 })).toBe(0);
  });
});

describe('bestCopiesFirst', () => {
  const kickPrint = fingerprintOfPcm({ samples: kick(RATE), rate: RATE });
  const kickCopy = fingerprintOfPcm({ samples: gain(kick(RATE), -3), rate: RATE });
  const snarePrint = fingerprintOfPcm({ samples: snare(RATE, 1), rate: RATE });
  const files: RunCopy[] = [
    { path: 'A/kick.mp3', contentHash: 'k-mp3', fingerprint: kickCopy, quality: mp3 },
    { path: 'B/snare.wav', contentHash: 's', fingerprint: snarePrint, quality: wav16 },
    { path: 'C/kick.wav', contentHash: 'k-wav', fingerprint: kickPrint, quality: wav16 },
    { path: 'D/kick again.mp3', contentHash: 'k-mp3', fingerprint: kickCopy, quality: mp3 },
    { path: 'E/kick 24-bit.wav', contentHash: 'k-flac', fingerprint: kickPrint, quality: wav24 },
  ];

  it("sends each sound's best copy first, in the place of its first file", () => {
    const order = bestCopiesFirst(files, (f) => f).map((f) => f.path);
    // The kick's copies (by sound, and the MP3's identical bytes) follow its best, best first.
    expect(order).toEqual([
      'E/kick 24-bit.wav',
      'C/kick.wav',
      'A/kick.mp3',
      'D/kick again.mp3',
      'B/snare.wav',
    ]);
  });

  it('keeps the scan order where no sound is heard twice, and files without facts in place', () => {
    const order = bestCopiesFirst([files[1]!, null, files[2]!], (f) => f).map(
      (f) => f?.path ?? null,
    );
    expect(order).toEqual(['B/snare.wav', null, 'C/kick.wav']);
  });
});

describe('copiesTogether', () => {
  // Files named by letter; the digit is the quality, the higher the better.
  const files = ['a1', 'b1', 'c2', 'd1', 'e3', 'f2'];
  const soundOf = (f: string) => ({ a1: 'A', c2: 'A', e3: 'A', d1: 'D', f2: 'D' })[f] ?? null;
  const better = (x: string, y: string) => Number(y[1]) - Number(x[1]);

  it("puts each sound's copies in the place of the first of them, best first, then scan order", () => {
    expect(copiesTogether(files, soundOf, better)).toEqual(['e3', 'c2', 'a1', 'b1', 'f2', 'd1']);
    expect(copiesTogether(files, soundOf, () => 0)).toEqual(['a1', 'c2', 'e3', 'b1', 'd1', 'f2']);
  });

  it('places a sound whose first file is not sent with the first of its copies that is', () => {
    expect(copiesTogether(['b1', 'c2', 'd1', 'e3'], soundOf, better)).toEqual([
      'b1',
      'e3',
      'c2',
      'd1',
    ]);
  });
});

describe('entryCopy', () => {
  it('reads a readable entry: its hash, fingerprint and quality, with the bit depth given', () => {
    const entry = {
      status: 'ok',
      path: 'Drums/kick.wav',
      content_hash: 'abc',
      size_bytes: 40_000,
      format: 'wav',
      sample_rate: 48000,
    } as unknown as ManifestEntry;
    expect(entryCopy('Drums/kick.wav', entry, 24)).toEqual({
      path: 'Drums/kick.wav',
      contentHash: 'abc',
      fingerprint: null,
      quality: { format: 'wav', sampleRate: 48000, bitDepth: 24, sizeBytes: 40_000 },
    });
  });

  it('reads nothing of an unreadable entry, or of none', () => {
    const failed = { status: 'error', path: 'x.wav', error: 'bad' } as unknown as ManifestEntry;
    expect(entryCopy('x.wav', failed, null)).toBeNull();
    expect(entryCopy('x.wav', null, null)).toBeNull();
    expect(entryCopy('x.wav', undefined, 16)).toBeNull();
  });
});
