import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFiles, importEntries } from '../src/db/schema.js';
import {
  apiErrorSchema,
  type LibraryItem,
  type LibraryListRequest,
  type ManifestEntry,
} from '../../shared/schemas/index.js';
import {
  databaseKinds,
  fixtureEntries,
  importAnalysed,
  libraryPage,
  startTestServer,
  type TestServer,
} from './harness.js';

const FILES = [
  'oneshots/Kick_03.wav',
  'oneshots/Piano_C4.aifc',
  'loops/DarkPad Am 90 BPM.wav',
  'loops/Bass 174 Dm Reese.mp3',
  'loops/Piano Loop C 120.wav',
  'tracks/t3_ballad_70.ogg',
];

type Analysed = Extract<ManifestEntry, { status: 'ok' }>;

const SERVER_DRIZZLE = join(import.meta.dirname, '../drizzle');

/** A file whose analysis an earlier client sends with the old name of its key. */
const OLD_SPELLING = { path: 'loops/Bass 174 Dm Reese.mp3', sent: 'A# minor', stored: 'Bb minor' };

describe.each(databaseKinds())('the library page on %s', (kind) => {
  let t: TestServer;
  let tokenA: string;
  let tokenB: string;
  let analysed: { entry: Analysed; file: string }[];
  /** A's library, newest first, as listed without filters. */
  let all: LibraryItem[];
  let fileOfB: string;

  const page = (input: LibraryListRequest) => libraryPage(t.url, tokenA, input);
  const pathsOf = (items: LibraryItem[]) => items.map((i) => i.path).sort();
  /** The paths of A's files that `keep`, as the server is expected to filter them. */
  const expected = (keep: (e: Analysed) => boolean) =>
    analysed
      .map((a) => a.entry)
      .filter(keep)
      .map((e) => e.path)
      .sort();
  const expectFilter = async (input: LibraryListRequest, keep: (e: Analysed) => boolean) => {
    const want = expected(keep);
    expect(want.length, `${JSON.stringify(input)} should keep some files, not all`).toBeGreaterThan(
      0,
    );
    expect(want.length).toBeLessThan(FILES.length);
    const answer = await page({ ...input, limit: 500 });
    expect(pathsOf(answer.items), JSON.stringify(input)).toEqual(want);
    expect(answer.total).toBe(want.length);
    // The total counts every match, not the page.
    expect((await page({ ...input, limit: 1 })).total).toBe(want.length);
  };
  const content = (
    id: string,
    headers: Record<string, string> = {},
    token: string | null = tokenA,
  ) =>
    fetch(`${t.url}/api/v1/audio/files/${id}/content`, {
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
  const itemAt = (path: string) => all.find((i) => i.path === path)!;
  const bytesOf = (path: string) => readFile(analysed.find((a) => a.entry.path === path)!.file);

  beforeAll(async () => {
    t = await startTestServer(kind);
    tokenA = await t.addUser('ana');
    tokenB = await t.addUser('ben');
    analysed = (await fixtureEntries(FILES)).map(({ entry, file }) => {
      if (entry.status !== 'ok') throw new Error(`fixture ${entry.path} did not analyse`);
      // As a release before December 2026 named a key: sharps only. The server renames it.
      if (entry.path === OLD_SPELLING.path)
        return { entry: { ...entry, key: OLD_SPELLING.sent }, file };
      return { entry, file };
    });
    await importAnalysed(t.url, tokenA, analysed, 'library test');
    await importAnalysed(t.url, tokenB, [analysed[0]!], 'library test');
    all = (await page({})).items;
    fileOfB = (await libraryPage(t.url, tokenB, {})).items[0]!.id;
  });
  afterAll(async () => t?.close());

  it('lists every file with its analysis and the total, newest first by default', async () => {
    const answer = await page({});
    expect(answer.total).toBe(FILES.length);
    expect(pathsOf(answer.items)).toEqual([...FILES].sort());
    const times = answer.items.map((i) => i.created_at);
    expect(times).toEqual([...times].sort().reverse());
    for (const { entry } of analysed) {
      expect(itemAt(entry.path)).toMatchObject({
        content_hash: entry.content_hash,
        kind: entry.kind ?? null,
        bpm: entry.bpm ?? null,
        key: entry.path === OLD_SPELLING.path ? OLD_SPELLING.stored : (entry.key ?? null),
        format: entry.format ?? null,
        size_bytes: entry.size_bytes,
      });
    }
  });

  it('filters by kind, format, key and tempo range (inclusive), alone and together', async () => {
    await expectFilter({ kind: 'loop' }, (e) => e.kind === 'loop');
    await expectFilter({ kind: 'oneshot' }, (e) => e.kind === 'oneshot');
    await expectFilter({ format: 'wav' }, (e) => e.format === 'wav');
    await expectFilter({ format: 'ogg-vorbis' }, (e) => e.format === 'ogg-vorbis');
    const keyed = analysed.find((a) => a.entry.key && a.entry.path !== OLD_SPELLING.path)!.entry
      .key!;
    await expectFilter({ key: keyed }, (e) => e.key === keyed);
    // A key in any spelling a producer writes finds the file stored under its name.
    const isOld = (e: Analysed) => e.path === OLD_SPELLING.path;
    for (const spelling of [OLD_SPELLING.stored, OLD_SPELLING.sent, 'bbm', 'A#min', '3A']) {
      await expectFilter({ key: spelling }, isOld);
    }
    const bpms = analysed.flatMap((a) => (a.entry.bpm ? [a.entry.bpm] : [])).sort((a, b) => a - b);
    expect(bpms.length).toBeGreaterThanOrEqual(3);
    // Bounds equal to stored tempos: both ends are kept.
    const [low, high] = [bpms[0]!, bpms[bpms.length - 2]!];
    const inRange = (e: Analysed) => e.bpm != null && e.bpm >= low && e.bpm <= high;
    await expectFilter({ bpm_min: low, bpm_max: high }, inRange);
    await expectFilter({ bpm_min: bpms[1]! }, (e) => e.bpm != null && e.bpm >= bpms[1]!);
    await expectFilter(
      { kind: 'loop', format: 'wav' },
      (e) => e.kind === 'loop' && e.format === 'wav',
    );
    expect(await page({ kind: 'track', format: 'wav' })).toEqual({ items: [], total: 0 });
  });

  it('searches paths case-insensitively, taking %, _ and \\ literally', async () => {
    await expectFilter({ search: 'PIANO' }, (e) => /piano/i.test(e.path));
    await expectFilter({ search: '_' }, (e) => e.path.includes('_'));
    await expectFilter({ search: 'loops/' }, (e) => e.path.startsWith('loops/'));
    for (const search of ['%', '\\', '%_%', 'Kick%03']) {
      expect(await page({ search }), search).toEqual({ items: [], total: 0 });
    }
  });

  it('sorts by name, tempo and duration, and pages without overlap', async () => {
    const byName = (await page({ sort: 'name' })).items.map((i) => i.path);
    expect(byName).toEqual([...FILES].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    for (const [sort, field] of [
      ['bpm', 'bpm'],
      ['duration', 'duration_s'],
    ] as const) {
      const values = (await page({ sort })).items.map((i) => i[field]);
      const known = values.filter((v) => v !== null);
      expect(known, sort).toEqual([...known].sort((a, b) => a - b));
      expect(
        values.slice(known.length).every((v) => v === null),
        `${sort}: nulls last`,
      ).toBe(true);
    }
    const pages = [];
    for (let offset = 0; offset < FILES.length; offset += 4) {
      const answer = await page({ sort: 'name', limit: 4, offset });
      expect(answer.total).toBe(FILES.length);
      pages.push(...answer.items.map((i) => i.path));
    }
    expect(pages).toEqual(byName);
  });

  it('renames the keys an earlier release stored (migration 0006), in the library and in job entries', async () => {
    const { db } = t.server.database;
    const id = itemAt(OLD_SPELLING.path).id;
    const old = JSON.stringify(OLD_SPELLING.sent);
    await db.update(audioFiles).set({ key: OLD_SPELLING.sent }).where(eq(audioFiles.id, id));
    await db.execute(
      sql`update import_entries set analysis = jsonb_set(analysis, '{key}', ${old}::jsonb) where asset_id = ${id}`,
    );
    expect((await page({ key: OLD_SPELLING.stored })).total).toBe(0);
    const migration = await readFile(join(SERVER_DRIZZLE, '0006_key_names.sql'), 'utf8');
    for (const statement of migration.split('--> statement-breakpoint')) {
      await db.execute(sql.raw(statement));
    }
    const [entry] = await db
      .select({ analysis: importEntries.analysis })
      .from(importEntries)
      .where(eq(importEntries.assetId, id));
    expect(entry?.analysis?.key).toBe(OLD_SPELLING.stored);
    const found = await page({ key: OLD_SPELLING.stored });
    expect(found.items.map((i) => [i.id, i.key])).toEqual([[id, OLD_SPELLING.stored]]);
  });

  it('refuses malformed filters with BAD_REQUEST', async () => {
    for (const input of [
      { bpm_min: 130, bpm_max: 120 },
      { kind: 'drone' },
      { key: 'H minor' },
      { key: 'Bb dorian' },
      { sort: 'size' },
      { limit: 501 },
      { bpmMin: 100 },
    ]) {
      const query = encodeURIComponent(JSON.stringify(input));
      const res = await fetch(`${t.url}/trpc/library.list?input=${query}`, {
        headers: { authorization: `Bearer ${tokenA}` },
      });
      expect(res.status, JSON.stringify(input)).toBe(400);
      const body: any = await res.json();
      expect(body.error.data.code, JSON.stringify(input)).toBe('BAD_REQUEST');
    }
  });

  it('streams a stored file whole, with its type and caching headers', async () => {
    for (const [path, type] of [
      ['loops/DarkPad Am 90 BPM.wav', 'audio/wav'],
      ['loops/Bass 174 Dm Reese.mp3', 'audio/mpeg'],
      ['tracks/t3_ballad_70.ogg', 'audio/ogg'],
      ['oneshots/Piano_C4.aifc', 'audio/aiff'],
    ] as const) {
      const bytes = await bytesOf(path);
      const res = await content(itemAt(path).id);
      expect(res.status, path).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes), path).toBe(true);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
    }
    const path = 'oneshots/Kick_03.wav';
    const url = `${t.url}/api/v1/audio/files/${itemAt(path).id}/content`;
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${tokenA}` },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String((await bytesOf(path)).length));
    const post = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA}` },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // The web app's session cookie is enough, as for the other routes.
    const res = await content(itemAt(path).id, { cookie: `sm_session=${tokenA}` }, null);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(await bytesOf(path))).toBe(true);
  });

  it('answers a Range with exactly those bytes (206), and 416 past the end', async () => {
    const path = 'loops/Piano Loop C 120.wav';
    const bytes = await bytesOf(path);
    const id = itemAt(path).id;
    const size = bytes.length;
    for (const [range, start, end] of [
      ['bytes=100-1099', 100, 1099],
      ['bytes=0-0', 0, 0],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 5}-${size + 100}`, size - 5, size - 1],
    ] as const) {
      const res = await content(id, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get('content-length'), range).toBe(String(end - start + 1));
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0']) {
      const res = await content(id, { range });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
      await res.arrayBuffer();
    }
  });

  it("answers another user's file, an unknown and a malformed id alike with 404", async () => {
    const answers = [];
    for (const id of [fileOfB, randomUUID(), 'not-a-uuid', '%27%3B--']) {
      const res = await content(id);
      expect(res.status, id).toBe(404);
      const { error } = apiErrorSchema.parse(await res.json());
      expect(error.code).toBe('NOT_FOUND');
      answers.push(error.message.replace(id, '<id>'));
    }
    expect(new Set(answers).size).toBe(1);
    // B reads B's own file.
    expect((await content(fileOfB, {}, tokenB)).status).toBe(200);
  });

  it('answers without a valid token with 401', async () => {
    const id = itemAt('oneshots/Kick_03.wav').id;
    for (const [token, message] of [
      [null, /no token/],
      [`smt_${'A'.repeat(43)}`, /token is not valid/],
    ] as const) {
      const res = await content(id, {}, token);
      expect(res.status).toBe(401);
      const { error } = apiErrorSchema.parse(await res.json());
      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toMatch(message);
    }
  });
});
