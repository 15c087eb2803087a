import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../fixtures/lib/wav.js';
import { hat, kick, pad } from '../../shared/analysis/fingerprint/test-signals.js';
import {
  librarySimilarOutputSchema,
  MAX_TIMBRE_LISTED,
  type ManifestEntry,
} from '../../shared/schemas/index.js';
import {
  api,
  databaseKinds,
  fixtureEntries,
  importAnalysed,
  listLibrary,
  startTestServer,
  type TestServer,
} from './harness.js';

// Three kinds of sound with known truth, three of each, unlike enough within a kind that
// duplicate detection keeps them apart: a kick's nearest sounds are the other kicks, a hat's the
// other hats, a pad's the other pads.
const RATE = 44100;
const SOUNDS: Record<string, () => Float32Array> = {
  'Kicks/Kick low.wav': () => kick(RATE, { pitch: 0.8, decayS: 0.2, seed: 11 }),
  'Kicks/Kick mid.wav': () => kick(RATE, { pitch: 1, decayS: 0.14, seed: 12 }),
  'Kicks/Kick high.wav': () => kick(RATE, { pitch: 1.3, decayS: 0.1, seed: 13 }),
  'Hats/Hat closed.wav': () => hat(RATE, 3, 0.02),
  'Hats/Hat half.wav': () => hat(RATE, 4, 0.06),
  'Hats/Hat open.wav': () => hat(RATE, 5, 0.15),
  'Pads/Pad A.wav': () => pad(RATE, [110, 138.6, 164.8], 2.5),
  'Pads/Pad D.wav': () => pad(RATE, [146.8, 185, 220], 3),
  'Pads/Pad G.wav': () => pad(RATE, [196, 246.9, 293.7], 3.5),
};
const kindOf = (path: string) => path.split('/')[0]!;

describe.each(databaseKinds())('similar sounds by timbre on %s', (kind) => {
  let t: TestServer;
  let dir: string;
  let files: { entry: ManifestEntry; file: string }[];

  async function similar(token: string, id: string) {
    const answer = await api(t.url, token).similarFiles(id);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return librarySimilarOutputSchema.parse(answer.body).items;
  }
  const library = async (token: string) =>
    (await listLibrary(t.url, token)) as { id: string; path: string }[];

  beforeAll(async () => {
    t = await startTestServer(kind, { SM_REFINGERPRINT: 'off' });
    dir = await mkdtemp(join(tmpdir(), 'sm-timbre-'));
    for (const [path, make] of Object.entries(SOUNDS)) {
      const name = path.replaceAll('/', ' - ');
      await writeFile(join(dir, name), encodeWav({ sr: RATE, ch: [make()] }, { bits: 16 }));
    }
    const analysed = await fixtureEntries(
      Object.keys(SOUNDS).map((p) => p.replaceAll('/', ' - ')),
      dir,
    );
    files = analysed.map(({ entry, file }) => ({
      entry: { ...entry, path: entry.path.replaceAll(' - ', '/') },
      file,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists a sound's own kind first, why each is listed, and only the caller's files", async () => {
    const token = await t.addUser('tim');
    const other = await t.addUser('olga');
    await importAnalysed(t.url, token, files);
    // Another library holding the same sounds: none of them may appear in the first's answers.
    await importAnalysed(t.url, other, files);
    const mine = await library(token);
    const pathOf = new Map(mine.map((f) => [f.id, f.path]));
    expect(mine).toHaveLength(files.length);

    for (const file of mine) {
      const items = await similar(token, file.id);
      const ids = items.map((i) => i.id);
      expect(new Set(ids).size, 'each file once').toBe(ids.length);
      expect(ids).not.toContain(file.id);
      for (const id of ids) expect(pathOf.has(id), 'a file of the caller').toBe(true);
      // Duplicate-detection links first, then timbre neighbours, each closest first.
      const reasons = items.map((i) => i.reason);
      expect(reasons).toEqual([...reasons].sort());
      const timbre = items.filter((i) => i.reason === 'timbre');
      expect(timbre.length).toBeLessThanOrEqual(MAX_TIMBRE_LISTED);
      for (let i = 1; i < timbre.length; i++) {
        expect(timbre[i - 1]!.similarity).toBeGreaterThanOrEqual(timbre[i]!.similarity);
      }
      // The two nearest are the other two of its kind.
      const nearest = ids.slice(0, 2).map((id) => kindOf(pathOf.get(id)!));
      expect(nearest, file.path).toEqual([kindOf(file.path), kindOf(file.path)]);
    }
  });

  it('answers the same over tRPC, and 404 for a file of another library', async () => {
    const token = await t.addUser('tom');
    const other = await t.addUser('oona');
    await importAnalysed(t.url, token, files.slice(0, 4));
    const [first] = await library(token);
    const rest = await similar(token, first!.id);
    const query = encodeURIComponent(JSON.stringify({ id: first!.id }));
    const res = await fetch(`${t.url}/trpc/library.similar?input=${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { data: unknown } }).result.data).toEqual({
      items: rest,
    });
    expect((await api(t.url, other).similarFiles(first!.id)).status).toBe(404);
  });
});
