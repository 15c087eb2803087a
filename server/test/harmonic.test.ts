import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fittingTempoRanges } from '../../shared/music/harmonic-fit.js';
import type { LibraryListRequest, ManifestEntry } from '../../shared/schemas/index.js';
import {
  databaseKinds,
  fixtureEntries,
  importAnalysed,
  libraryPage,
  startTestServer,
  type TestServer,
} from './harness.js';

type Analysed = Extract<ManifestEntry, { status: 'ok' }>;
type Kind = NonNullable<Analysed['kind']>;

/**
 * Real fixture audio, each file given the key, tempo and kind of a made-up library around one
 * A minor (8A) loop at 120 BPM: the truth of what fits is set here, not by the analyser.
 */
const LIBRARY: { file: string; key: string | null; bpm: number | null; kind: Kind }[] = [
  { file: 'loops/DarkPad Am 90 BPM.wav', key: 'A minor', bpm: 120, kind: 'loop' },
  // Fit the seed: relative at half time, neighbours at double time and at the range's edge.
  { file: 'loops/Piano Loop C 120.wav', key: 'C major', bpm: 60, kind: 'loop' },
  { file: 'loops/Melody Gm 110.wav', key: 'D minor', bpm: 240, kind: 'loop' },
  { file: 'loops/Guitar A 92.5.wav', key: 'E minor', bpm: 124.8, kind: 'loop' },
  { file: 'oneshots/Bass Note Fingered.mp3', key: 'A minor', bpm: 119, kind: 'oneshot' },
  // Do not: two steps round the wheel, too fast, diagonal (9B), no key, no tempo.
  { file: 'loops/strings_Bm_65bpm.ogg', key: 'B minor', bpm: 120, kind: 'loop' },
  { file: 'loops/Marimba Ab 105.wav', key: 'A minor', bpm: 130, kind: 'loop' },
  { file: 'loops/Organ F 65bpm.aifc', key: 'G major', bpm: 120, kind: 'loop' },
  { file: 'oneshots/Kick_03.wav', key: null, bpm: 120, kind: 'oneshot' },
  { file: 'oneshots/Piano_C4.aifc', key: 'A minor', bpm: null, kind: 'oneshot' },
  // Neither key nor tempo: nothing to fit with.
  { file: 'loops/Cm 60 pad.flac', key: null, bpm: null, kind: 'loop' },
];
const SEED = 'loops/DarkPad Am 90 BPM.wav';
const FITTING_SEED = [
  'loops/Piano Loop C 120.wav',
  'loops/Melody Gm 110.wav',
  'loops/Guitar A 92.5.wav',
  'oneshots/Bass Note Fingered.mp3',
];

describe.each(databaseKinds())('harmonic search in the library on %s', (kind) => {
  let t: TestServer;
  let tokenA: string;
  let tokenB: string;
  const idOf = new Map<string, string>();
  let fileOfB: string;

  const paths = async (input: LibraryListRequest) =>
    (await libraryPage(t.url, tokenA, { ...input, limit: 500 })).items.map((i) => i.path).sort();
  const fitsOf = (path: string, input: LibraryListRequest = {}) =>
    paths({ ...input, fits: idOf.get(path)! });
  /** The tRPC error answer of library.list for `input`. */
  const refusal = async (input: unknown, token = tokenA) => {
    const query = encodeURIComponent(JSON.stringify(input));
    const res = await fetch(`${t.url}/trpc/library.list?input=${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { error?: { message?: string; data?: { code?: string } } };
    return {
      status: res.status,
      code: body.error?.data?.code,
      message: body.error?.message ?? '',
    };
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    tokenA = await t.addUser('ana');
    tokenB = await t.addUser('ben');
    const analysed = (await fixtureEntries(LIBRARY.map((s) => s.file))).map(
      ({ entry, file }, i) => {
        if (entry.status !== 'ok') throw new Error(`fixture ${entry.path} did not analyse`);
        const { key, bpm, kind } = LIBRARY[i]!;
        return { entry: { ...entry, key, bpm, kind }, file };
      },
    );
    await importAnalysed(t.url, tokenA, analysed, 'harmonic test');
    await importAnalysed(t.url, tokenB, [analysed[0]!], 'harmonic test');
    for (const item of (await libraryPage(t.url, tokenA, { limit: 500 })).items) {
      idOf.set(item.path, item.id);
    }
    expect(idOf.size).toBe(LIBRARY.length);
    fileOfB = (await libraryPage(t.url, tokenB, {})).items[0]!.id;
  });
  afterAll(async () => t?.close());

  it('keeps the sounds of a fitting key and tempo (half and double time too), not the sound itself', async () => {
    expect(await fitsOf(SEED)).toEqual([...FITTING_SEED].sort());
    const answer = await libraryPage(t.url, tokenA, { fits: idOf.get(SEED)! });
    expect(answer.total).toBe(FITTING_SEED.length);
    expect(answer.fits).toEqual({
      id: idOf.get(SEED),
      key: 'A minor',
      bpm: 120,
      camelot: '8A',
      keys: ['A minor', 'C major', 'D minor', 'E minor'],
      bpm_ranges: fittingTempoRanges(120),
      tolerance_pct: 4,
    });
    // No fits asked, no fits answered.
    expect((await libraryPage(t.url, tokenA, {})).fits).toBeUndefined();
  });

  it('combines with kind, search and format (AND), and pages with the right total', async () => {
    expect(await fitsOf(SEED, { kind: 'oneshot' })).toEqual(['oneshots/Bass Note Fingered.mp3']);
    expect(await fitsOf(SEED, { kind: 'loop', search: 'piano' })).toEqual([
      'loops/Piano Loop C 120.wav',
    ]);
    expect(await fitsOf(SEED, { format: 'wav' })).toEqual([
      'loops/Guitar A 92.5.wav',
      'loops/Melody Gm 110.wav',
      'loops/Piano Loop C 120.wav',
    ]);
    expect(await fitsOf(SEED, { key: 'E minor' })).toEqual(['loops/Guitar A 92.5.wav']);
    const first = await libraryPage(t.url, tokenA, { fits: idOf.get(SEED)!, limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.total).toBe(FITTING_SEED.length);
  });

  it('widens or narrows the tempo ranges with fits_tolerance_pct', async () => {
    // 130 is 8.3 % above 120: in at 10 %.
    expect(await fitsOf(SEED, { fits_tolerance_pct: 10 })).toEqual(
      [...FITTING_SEED, 'loops/Marimba Ab 105.wav'].sort(),
    );
    // At 0 %, only the exact tempos 60, 120 and 240 fit.
    expect(await fitsOf(SEED, { fits_tolerance_pct: 0 })).toEqual([
      'loops/Melody Gm 110.wav',
      'loops/Piano Loop C 120.wav',
    ]);
  });

  it('fits on what the sound has: tempo alone, or key alone', async () => {
    // The kick has no key: every sound whose tempo fits 120, whatever its key.
    expect(await fitsOf('oneshots/Kick_03.wav')).toEqual(
      [SEED, ...FITTING_SEED, 'loops/strings_Bm_65bpm.ogg', 'loops/Organ F 65bpm.aifc'].sort(),
    );
    // The piano note has no tempo: every sound of a key that fits A minor, whatever its tempo.
    expect(await fitsOf('oneshots/Piano_C4.aifc')).toEqual(
      [SEED, ...FITTING_SEED, 'loops/Marimba Ab 105.wav'].sort(),
    );
  });

  it('answers NOT_FOUND alike for an unknown sound and for another user’s, saying what to pass', async () => {
    const answers = [];
    for (const id of [randomUUID(), fileOfB]) {
      const answer = await refusal({ fits: id });
      expect(answer.status, id).toBe(404);
      expect(answer.code).toBe('NOT_FOUND');
      expect(answer.message).toMatch(/pass the id of one of its sounds as fits/);
      answers.push(answer.message.replace(id, '<id>'));
    }
    expect(new Set(answers).size).toBe(1);
    // B fits with B's own sound (alone in B's library: nothing else fits).
    expect(await libraryPage(t.url, tokenB, { fits: fileOfB })).toMatchObject({ total: 0 });
  });

  it('answers UNPROCESSABLE_CONTENT for a sound with neither key nor tempo', async () => {
    const answer = await refusal({ fits: idOf.get('loops/Cm 60 pad.flac') });
    expect(answer).toMatchObject({ status: 422, code: 'UNPROCESSABLE_CONTENT' });
    expect(answer.message).toMatch(/neither a key nor a tempo.*pick a sound with a key or a BPM/);
  });

  it('refuses malformed fits filters with BAD_REQUEST', async () => {
    for (const input of [
      { fits: 'not-a-uuid' },
      { fits: "'; drop table audio_files; --" },
      { fits: 42 },
      { fits: [idOf.get(SEED)] },
      { fits: idOf.get(SEED), fits_tolerance_pct: 26 },
      { fits: idOf.get(SEED), fits_tolerance_pct: -1 },
      { fits: idOf.get(SEED), fits_tolerance_pct: '4' },
      { fits_tolerance_pct: 4 },
    ]) {
      const answer = await refusal(input);
      expect(answer.status, JSON.stringify(input)).toBe(400);
      expect(answer.code, JSON.stringify(input)).toBe('BAD_REQUEST');
    }
    expect((await refusal({ fits_tolerance_pct: 4 })).message).toMatch(/goes with fits/);
  });
});
