import { describe, expect, it } from 'vitest';
import {
  compareFingerprints,
  computeFingerprint,
  fingerprintIndexKeys,
  type Fingerprint,
} from './index.js';
import {
  compareFingerprintsDetailed,
  COPY_DURATION_MS,
  DETAIL_SUSTAINED_DB_MAX,
  durationExcessMs,
  highBandsCopyLimitDb,
  LOSSLESS_COPY_LIMITS,
  SAME_SOUND_THRESHOLDS,
  TAIL_MS,
  tailExcessMs,
} from './compare.js';
import { highBandsDifferenceDb } from './high-bands.js';
import { SOUND_CASES } from './test-cases.js';
import { hat, kick, note, snare } from './test-signals.js';
import { gain, lowpass, padSilence } from './test-transforms.js';
import { fingerprintOfPcm, original, RATE, SAME_SOUND_VARIANTS } from './test-variants.js';

function fingerprintOf(samples: Float32Array, rate = RATE): Fingerprint {
  return fingerprintOfPcm({ samples, rate });
}

function sharesKey(a: Fingerprint, b: Fingerprint): boolean {
  const keys = new Set(fingerprintIndexKeys(a));
  return fingerprintIndexKeys(b).some((k) => keys.has(k));
}

describe.each(SOUND_CASES)('$name', ({ sourceRate, make, nearMisses, otherRecordings }) => {
  const source = make(sourceRate);
  const reference = fingerprintOfPcm(original(source, sourceRate));

  it.each(Object.entries(SAME_SOUND_VARIANTS))('is the same sound after %s', (_, variant) => {
    const fp = fingerprintOfPcm(variant(source, sourceRate));
    const result = compareFingerprints(reference, fp);
    expect(result.sameSound).toBe(true);
    expect(result.similarity).toBeGreaterThanOrEqual(0.5);
    expect(sharesKey(reference, fp)).toBe(true);
  });

  it.each(Object.entries(nearMisses))('is another sound with %s', (_, makeMiss) => {
    const fp = fingerprintOfPcm(original(makeMiss(sourceRate), sourceRate));
    const result = compareFingerprints(reference, fp);
    expect(result.sameSound).toBe(false);
    expect(result.similarity).toBeLessThan(0.5);
  });

  const recordings = Object.entries(otherRecordings ?? {});
  if (recordings.length > 0) {
    it.each(recordings)('is never taken for %s', (_, makeOther) => {
      const fp = fingerprintOfPcm(original(makeOther(sourceRate), sourceRate));
      expect(compareFingerprints(reference, fp).verdict).not.toBe('same');
      // Nor for a lossy-like copy of it.
      const copy = SAME_SOUND_VARIANTS['all at once']!(makeOther(sourceRate), sourceRate);
      expect(compareFingerprints(reference, fingerprintOfPcm(copy)).verdict).not.toBe('same');
    });
  }
});

describe('fingerprint versions', () => {
  it('never takes a version-1 fingerprint for a certain copy, even of itself', () => {
    const fp = fingerprintOf(kick(RATE));
    const v1 = { ...fp, v: 1 as const, detail: undefined };
    expect(compareFingerprints(fp, v1).verdict).toBe('similar');
    expect(compareFingerprints(v1, v1).verdict).toBe('similar');
  });

  it('never takes a short sound without its detail excerpt for a certain copy', () => {
    const fp = fingerprintOf(kick(RATE));
    expect(fp.detail).toBeDefined();
    expect(compareFingerprints(fp, { ...fp, detail: undefined }).verdict).toBe('similar');
  });
});

describe('pairs of lossless files', () => {
  const lossless = (fp: Fingerprint): Fingerprint => ({ ...fp, lossless: true });
  const LOSSLESS_VARIANTS = [
    'gain +6 dB',
    'gain -6 dB',
    'gain +3 dB via 48 kHz',
    '0.3 s silence before, 0.5 s after',
    '5 ms offset',
  ];

  it.each(SOUND_CASES.map((c) => [c.name, c] as const))(
    'still finds lossless copies of %s (gain, 48 kHz, silence, offset)',
    (_, { sourceRate, make }) => {
      const source = make(sourceRate);
      const reference = lossless(fingerprintOfPcm(original(source, sourceRate)));
      for (const name of LOSSLESS_VARIANTS) {
        const copy = lossless(fingerprintOfPcm(SAME_SOUND_VARIANTS[name]!(source, sourceRate)));
        expect(compareFingerprints(reference, copy).verdict, name).toBe('same');
      }
    },
  );

  // A note through gentle saturation or a 2 kHz low-pass is within the codec allowances, so
  // between a WAV and an MP3 it is taken for a copy; between two lossless files it is another
  // version of the sound (processed), kept and linked as similar.
  const n = note(RATE, { f0: 220, durationS: 1 });
  const processed = {
    saturated: n.map((v) => Math.tanh(2 * v) / 2),
    'low-passed at 2 kHz': lowpass(n, RATE, 2000),
  };
  it.each(Object.entries(processed))(
    'keeps a note and the same note %s apart when both files are lossless',
    (_, other) => {
      const a = fingerprintOf(n);
      const b = fingerprintOf(other);
      expect(compareFingerprints(a, b).verdict).toBe('same');
      expect(compareFingerprints(lossless(a), b).verdict).toBe('same');
      expect(compareFingerprints(lossless(a), lossless(b)).verdict).toBe('similar');
      expect(compareFingerprints(lossless(b), lossless(a)).verdict).toBe('similar');
    },
  );

  // A soundfont plays one sample at every velocity through a velocity-driven filter: under
  // 4.8 kHz the two renders are one sound at two levels, above it one is duller. Partials of a
  // plucked note at 44.1 kHz, those above 5 kHz 6 dB softer in the duller one.
  const plucked = (highGain: number, rate = 44100): Float32Array => {
    const out = new Float32Array(Math.round(rate * 0.8));
    for (let h = 1; h * 330 < 16000; h++) {
      const amp = ((h * 330 > 5000 ? highGain : 1) * 0.3) / h;
      const tau = 0.5 / Math.sqrt(h);
      for (let i = 0; i < out.length; i++)
        out[i]! += amp * Math.exp(-i / rate / tau) * Math.sin((2 * Math.PI * 330 * h * i) / rate);
    }
    return out;
  };
  it('keeps two lossless renders of one sample apart when one is duller above 4.8 kHz', () => {
    const bright = lossless(fingerprintOf(plucked(1), 44100));
    const louder = lossless(fingerprintOf(gain(plucked(1), 4), 44100));
    const duller = lossless(fingerprintOf(gain(plucked(0.5), 4), 44100));
    expect(compareFingerprints(bright, louder).verdict).toBe('same');
    const velocity = compareFingerprintsDetailed(bright, duller);
    // Alike in all the matrix holds: only the high bands tell them apart.
    expect(velocity.matrixDb).toBeLessThan(LOSSLESS_COPY_LIMITS.matrixDb);
    expect(highBandsDifferenceDb(bright.high!, duller.high!)).toBeGreaterThan(4);
    expect(velocity.verdict).toBe('similar');
    expect(compareFingerprints(duller, bright).verdict).toBe('similar');
  });

  it('holds an MP3 to what its copies stray above 4.8 kHz, an AAC file more loosely', () => {
    const bright = lossless(fingerprintOf(plucked(1), 44100));
    const as = (fp: Fingerprint, lossy: 'mp3' | 'aac'): Fingerprint => ({
      ...fp,
      lossless: false,
      lossy,
    });
    const louder = fingerprintOf(gain(plucked(1), 4), 44100);
    const duller = fingerprintOf(gain(plucked(0.5), 4), 44100);
    expect(highBandsCopyLimitDb(bright, as(louder, 'mp3'))).toBe(4);
    expect(compareFingerprints(bright, as(louder, 'mp3')).verdict).toBe('same');
    expect(compareFingerprints(bright, as(duller, 'mp3')).verdict).toBe('similar');
    expect(compareFingerprints(as(duller, 'mp3'), bright).verdict).toBe('similar');
    // AAC copies of short hits stray by up to 8 dB: the same pair is not held apart.
    expect(highBandsCopyLimitDb(bright, as(duller, 'aac'))).toBe(17);
    // A file of an unknown codec (8-bit, the second decoder, stored before) is not held to it.
    expect(highBandsCopyLimitDb(bright, { ...duller, lossless: false })).toBeNull();
  });

  // Where a slow decay crosses -40 dB is uncertain by its edge (how long it stays within
  // ±1.5 dB of the level: a codec's error); two lossless files differ in level by a fraction of
  // a dB, so their ends are held to 0.6 of the edge: a ride cut at 60 % and the same cut faded
  // under -40 dB (both WAV) moved 0.82 of it and were merged before.
  it('holds the decay ends of two lossless files closer than those of a lossy pair', () => {
    const sound = fingerprintOf(note(RATE, { decayS: 0.15, durationS: 1.5 }));
    const endingAt = (endMs: number): Fingerprint => ({
      ...sound,
      tail: [{ db: -40, endMs, edgeMs: 20 }],
    });
    // 600 ms against 650: 4 ms and 5 % (30 ms) apart, and then the whole 20 ms edge.
    const [at600, at642, at650] = [600, 642, 650].map(endingAt);
    expect(tailExcessMs(at600!, at650!)).toBeCloseTo(0);
    expect(compareFingerprints(at600!, at650!).verdict).toBe('same');
    expect(compareFingerprints(lossless(at600!), lossless(at650!)).verdict).toBe('similar');
    expect(compareFingerprints(lossless(at600!), at650!).verdict).toBe('same');
    // 0.4 of the edge beyond: as far as lossless copies go.
    expect(compareFingerprints(lossless(at600!), lossless(at642!)).verdict).toBe('same');
  });

  // A hat cut at 40 ms, and the same cut faded over its last 8 ms, where it is already 30 dB
  // down: at the usual floors of the fine envelope the fade does not show (a codec's noise
  // would hide it), read 10 dB deeper between two lossless files it does.
  it('keeps a hi-hat cut short and the same cut faded 30 dB down apart when both are lossless', () => {
    const sr = 44100;
    const end = Math.round(0.04 * sr);
    const fade = Math.round(0.008 * sr);
    const cut = hat(sr, 5, 0.01).slice(0, end);
    const faded = cut.map((v, i) => (i < end - fade ? v : (v * (end - i)) / fade));
    const a = fingerprintOfPcm(original(cut, sr));
    const b = fingerprintOfPcm(original(faded, sr));
    expect(compareFingerprintsDetailed(a, b).detailSustainedDb).toBeLessThan(1);
    const pair = compareFingerprintsDetailed(lossless(a), lossless(b));
    expect(pair.detailSustainedDb).toBeGreaterThan(DETAIL_SUSTAINED_DB_MAX);
    expect(pair.verdict).toBe('similar');
    for (const name of LOSSLESS_VARIANTS) {
      const copy = lossless(fingerprintOfPcm(SAME_SOUND_VARIANTS[name]!(cut, sr)));
      expect(compareFingerprintsDetailed(lossless(a), copy).detailSustainedDb, name).toBeLessThan(
        1,
      );
      expect(compareFingerprints(lossless(a), copy).verdict, name).toBe('same');
    }
  });
});

describe('edits under the trimmed end', () => {
  /** `x` cut at `atMs`, with a linear fade-out over the `fadeMs` before the cut. */
  function cutAt(x: Float32Array, atMs: number, fadeMs = 0): Float32Array {
    const end = Math.round((atMs / 1000) * RATE);
    const fade = Math.round((fadeMs / 1000) * RATE);
    return x.slice(0, end).map((v, i) => (i < end - fade ? v : (v * (end - i)) / fade));
  }

  it.each([
    ['kick', kick(RATE, { decayS: 0.05 })],
    ['note', note(RATE, { decayS: 0.15, durationS: 1.5 })],
  ])(
    'keeps a %s cut or faded under -30 dB apart from it, and finds copies of the cut',
    (_, hit) => {
      const whole = fingerprintOf(hit);
      const [at40] = whole.tail ?? [];
      expect(at40?.db).toBe(-40);
      // Between where the hit falls under -30 dB and under -40 dB: the trimmed sound is unchanged.
      const cutMs = (whole.durationMs + at40!.endMs) / 2;
      const cut = fingerprintOf(cutAt(hit, cutMs));
      const faded = fingerprintOf(cutAt(hit, at40!.endMs, at40!.endMs - whole.durationMs));
      expect(compareFingerprints(whole, cut).verdict).toBe('similar');
      expect(compareFingerprints(whole, faded).verdict).toBe('similar');
      const copyOfCut = fingerprintOfPcm(
        SAME_SOUND_VARIANTS['all at once']!(cutAt(hit, cutMs), RATE),
      );
      expect(compareFingerprints(cut, copyOfCut).verdict).toBe('same');
    },
  );

  it.each([
    ['snare', snare(44100)],
    ['hi-hat', hat(44100, 5, 0.06)],
  ])('keeps two edits of a 50 ms %s apart: cut at 30 ms, and the same cut faded', (_, hit) => {
    const sr = 44100;
    const short = hit.slice(0, Math.round(0.05 * sr));
    const cutAtRate = (x: Float32Array, atMs: number, fadeMs: number): Float32Array => {
      const end = Math.round((atMs / 1000) * sr);
      const fade = Math.round((fadeMs / 1000) * sr);
      return x.slice(0, end).map((v, i) => (i < end - fade ? v : (v * (end - i)) / fade));
    };
    const cut = fingerprintOfPcm(original(cutAtRate(short, 30, 0), sr));
    const faded = fingerprintOfPcm(original(cutAtRate(short, 30, 10), sr));
    const pair = compareFingerprintsDetailed(cut, faded);
    expect(pair.detailSustainedDb).toBeGreaterThan(DETAIL_SUSTAINED_DB_MAX);
    expect(pair.verdict).toBe('similar');
    for (const edit of [cutAtRate(short, 30, 0), cutAtRate(short, 30, 10)]) {
      const copy = fingerprintOfPcm(SAME_SOUND_VARIANTS['all at once']!(edit, sr));
      expect(compareFingerprints(fingerprintOfPcm(original(edit, sr)), copy).verdict).toBe('same');
    }
  });

  it('keeps a hi-hat cut at 85 % and at 92 % of its length apart, and finds copies of each', () => {
    const sr = 44100;
    const hit = hat(sr, 5, 0.06);
    const lengthMs = fingerprintOfPcm(original(hit, sr)).durationMs;
    const cuts = [0.85, 0.92].map((share) =>
      hit.slice(0, Math.round(share * lengthMs * 0.001 * sr)),
    );
    const [a, b] = cuts.map((cut) => fingerprintOfPcm(original(cut, sr)));
    // ~8 ms apart, where the hat is 25-30 dB down: within the 15 ms a similar sound may differ
    // by, beyond what a copy may.
    expect(Math.abs(a!.durationMs - b!.durationMs)).toBeLessThan(SAME_SOUND_THRESHOLDS.durationMs);
    expect(durationExcessMs(a!, b!)).toBeGreaterThan(COPY_DURATION_MS);
    expect(compareFingerprints(a!, b!).verdict).toBe('similar');
    for (const cut of cuts) {
      const copy = fingerprintOfPcm(SAME_SOUND_VARIANTS['all at once']!(cut, sr));
      const made = fingerprintOfPcm(original(cut, sr));
      expect(durationExcessMs(made, copy)).toBeLessThanOrEqual(COPY_DURATION_MS);
      expect(compareFingerprints(made, copy).verdict).toBe('same');
    }
  });

  it('keeps apart a kick cut under -30 dB at two points 17 ms apart', () => {
    const hit = kick(RATE, { decayS: 0.05 });
    const whole = fingerprintOf(hit);
    const at40 = whole.tail![0]!.endMs;
    const cutAtShare = (share: number) => {
      const ms = whole.durationMs + share * (at40 - whole.durationMs);
      return fingerprintOf(cutAt(hit, ms));
    };
    const [a, b] = [cutAtShare(0.2), cutAtShare(0.5)];
    expect(a.durationMs).toBe(b.durationMs);
    expect(tailExcessMs(a, b)).toBeGreaterThan(TAIL_MS);
    expect(compareFingerprints(a, b).verdict).toBe('similar');
  });

  it('judges two edits alike whichever comes first', () => {
    const sr = 44100;
    const short = snare(sr).slice(0, Math.round(0.05 * sr));
    const fades = [0, 4, 8, 12].map((fadeMs) => {
      const end = Math.round(0.03 * sr);
      const fade = Math.round((fadeMs / 1000) * sr);
      const x = short.slice(0, end).map((v, i) => (i < end - fade ? v : (v * (end - i)) / fade));
      return fingerprintOfPcm(original(x, sr));
    });
    for (const a of fades) {
      for (const b of fades) {
        const [ab, ba] = [compareFingerprintsDetailed(a, b), compareFingerprintsDetailed(b, a)];
        expect(ab.detailSustainedDb).toBe(ba.detailSustainedDb);
        expect(ab.verdict).toBe(ba.verdict);
      }
    }
  });

  it('still compares fingerprints stored before the tail was measured', () => {
    const fp = fingerprintOf(hat(RATE));
    expect(compareFingerprints(fp, { ...fp, tail: undefined }).verdict).toBe('same');
  });
});

describe('computeFingerprint', () => {
  it('returns null for digital silence and for noise below -80 dBFS', () => {
    expect(computeFingerprint(new Float32Array(RATE), RATE)).toBeNull();
    expect(computeFingerprint(new Float32Array(0), RATE)).toBeNull();
    const hiss = new Float32Array(RATE).map((_, i) => (i % 2 ? 1e-5 : -1e-5));
    expect(computeFingerprint(hiss, RATE)).toBeNull();
  });

  it('fingerprints a quiet sound, and it matches the loud one', () => {
    const loud = fingerprintOf(kick(RATE));
    const quiet = fingerprintOf(gain(kick(RATE), -40));
    expect(compareFingerprints(loud, quiet).sameSound).toBe(true);
  });

  it('finds the copy of a note whose file carries a DC offset while it sounds, which lossy codecs filter out', () => {
    // As TimGM6mb's guitar renders: an offset of half the note's RMS that decays with it.
    const source = note(44100, { f0: 262, decayS: 0.8, durationS: 2.3 });
    const withOffset = source.map((x, i) => x + 0.02 * Math.exp(-i / 44100 / 0.8));
    const reference = fingerprintOfPcm({ samples: withOffset, rate: 44100 });
    const filtered = fingerprintOfPcm({ samples: source, rate: 44100 });
    expect(compareFingerprints(reference, filtered).verdict).toBe('same');
  });

  it('reads what lies before a file starting at full level as silence, as a copy with the silence written out gives it', () => {
    // Each frame's mean is taken out; a frame reaching before the file's first sample must
    // give what the same frame gives where that silence is in the file.
    const source = kick(44100);
    const reference = fingerprintOfPcm({ samples: source, rate: 44100 });
    const padded = fingerprintOfPcm({ samples: padSilence(source, 44100, 0.2, 0), rate: 44100 });
    expect(compareFingerprintsDetailed(reference, padded).matrixDb).toBeLessThan(0.03);
  });

  it('throws a RangeError for a sample rate that is not a positive number', () => {
    expect(() => computeFingerprint(kick(RATE), 0)).toThrow(RangeError);
    expect(() => computeFingerprint(kick(RATE), Number.NaN)).toThrow(RangeError);
  });

  it('stays under 8 KB of JSON for a 10-minute input, and survives JSON', () => {
    const track = SOUND_CASES.find((c) => c.name === '60 s track')!.make(RATE);
    const tenMinutes = new Float32Array(600 * RATE).map((_, i) => track[i % track.length]!);
    const fp = fingerprintOf(tenMinutes);
    const json = JSON.stringify(fp);
    expect(json.length).toBeLessThan(8192);
    const parsed = JSON.parse(json) as Fingerprint;
    expect(compareFingerprints(fp, parsed)).toEqual({
      similarity: 1,
      sameSound: true,
      verdict: 'same',
    });
    expect(fp.durationMs).toBeGreaterThan(599_000);
  });

  it('compares symmetrically', () => {
    const a = fingerprintOf(kick(RATE));
    const b = fingerprintOf(kick(RATE, { decayS: 0.13 }));
    expect(compareFingerprints(a, b).similarity).toBeCloseTo(
      compareFingerprints(b, a).similarity,
      2,
    );
  });
});
