import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../fixtures/lib/wav.js';
import { kick, note, snare } from '../../shared/analysis/fingerprint/test-signals.js';
import { gain, resampleSinc } from '../../shared/analysis/fingerprint/test-transforms.js';
import {
  fingerprintOfPcm,
  RATE,
  snaresSharingEveryKey,
} from '../../shared/analysis/fingerprint/test-variants.js';
import {
  bulkImportUpdateSchema,
  checkResponseSchema,
  ingestResponseSchema,
  jobStatusResponseSchema,
  librarySimilarOutputSchema,
  type IngestItem,
  type ManifestEntry,
} from '../../shared/schemas/index.js';
import {
  api,
  databaseKinds,
  fixtureEntries,
  listLibrary,
  startTestServer,
  tusCreate,
  tusUpload,
  type TestServer,
} from './harness.js';

// Sounds with known truth, synthesised and analysed as sm-import analyses files: a copy (other
// gain and rate) is the same sound; an edit (a longer decay), a re-pitch by a semitone and
// another hit of one snare (other noise) are not, and are never merged.
const SEMITONE = 2 ** (1 / 12);
const SOUNDS: Record<string, { rate: number; make: () => Float32Array }> = {
  'Kick.wav': { rate: 44100, make: () => kick(44100) },
  'Kick -6 dB 48k.wav': {
    rate: 48000,
    make: () => resampleSinc(gain(kick(44100), -6), 44100, 48000),
  },
  'Kick long decay.wav': { rate: 44100, make: () => kick(44100, { decayS: 0.18 }) },
  'Kick +1.wav': { rate: 44100, make: () => kick(44100, { pitch: SEMITONE }) },
  'Snare.wav': { rate: 44100, make: () => snare(44100, 2) },
  'Snare take 2.wav': { rate: 44100, make: () => snare(44100, 9) },
  'Note.wav': { rate: 44100, make: () => note(44100, { f0: 220, durationS: 1 }) },
  'Note saturated.wav': {
    rate: 44100,
    make: () => note(44100, { f0: 220, durationS: 1 }).map((v) => Math.tanh(2 * v) / 2),
  },
};

type Analysed = Extract<ManifestEntry, { status: 'ok' }>;

/** A tRPC query over HTTP as the web app makes it. */
async function trpcQuery(
  baseUrl: string,
  token: string,
  path: string,
  input: unknown,
): Promise<{ status: number; body: any }> {
  const query = encodeURIComponent(JSON.stringify(input));
  const res = await fetch(`${baseUrl}/trpc/${path}?input=${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

describe.each(databaseKinds())('similar sounds on %s', (kind) => {
  let t: TestServer;
  let dir: string;
  const entries = new Map<string, Analysed>();

  const entryOf = (name: string) => entries.get(name)!;
  const bytesOf = (name: string) => readFile(join(dir, name));

  /** A job of `token`'s with these entries (closed); its answer per path. */
  async function ingest(token: string, list: Analysed[]) {
    const client = api(t.url, token);
    const jobId = (await client.init({ source: 'similar test' })).body.job_id as string;
    const answer = await client.ingest({ job_id: jobId, entries: list, last: true });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const items = ingestResponseSchema.parse(answer.body).items;
    const byPath = new Map(items.map((i) => [i.path!, i]));
    return { jobId, item: (name: string) => byPath.get(name)! };
  }

  async function upload(token: string, item: IngestItem) {
    const { state } = await tusUpload(t.url, token, item.entry_id!, await bytesOf(item.path!))
      .promise;
    expect(state, item.path!).toBe('done');
  }

  const assetOf = async (token: string, path: string) =>
    ((await listLibrary(t.url, token)) as { id: string; path: string }[]).find(
      (f) => f.path === path,
    )!.id;

  async function similarFiles(token: string, assetId: string) {
    const answer = await api(t.url, token).similarFiles(assetId);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return librarySimilarOutputSchema.parse(answer.body).items;
  }

  const idsOf = (items: { id: string }[]) => items.map((i) => i.id);
  /** The files of an answer linked by duplicate detection (timbre neighbours follow them). */
  const linked = <T extends { reason: string }>(items: T[]) =>
    items.filter((i) => i.reason === 'duplicate-detection');

  beforeAll(async () => {
    // Re-fingerprinting would rewrite a version-1 library fingerprint under the test's feet.
    t = await startTestServer(kind, { SM_REFINGERPRINT: 'off' });
    dir = await mkdtemp(join(tmpdir(), 'sm-similar-'));
    for (const [name, { rate, make }] of Object.entries(SOUNDS)) {
      await writeFile(join(dir, name), encodeWav({ sr: rate, ch: [make()] }, { bits: 16 }));
    }
    for (const { entry } of await fixtureEntries(Object.keys(SOUNDS), dir)) {
      if (entry.status !== 'ok' || !entry.fingerprint) throw new Error(`${entry.path}: no sound`);
      entries.set(entry.path, entry);
    }
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('merges a copy, keeps an edit and a re-pitch, and links the edit to the hit it edits, both ways once stored', async () => {
    const token = await t.addUser('ana');
    const names = ['Kick.wav', 'Kick -6 dB 48k.wav', 'Kick long decay.wav', 'Kick +1.wav'];
    const { jobId, item } = await ingest(token, names.map(entryOf));
    const original = item('Kick.wav');
    expect(original).toMatchObject({ state: 'pending_upload', similar_to: [] });
    expect(item('Kick -6 dB 48k.wav')).toMatchObject({
      state: 'duplicate',
      duplicate_of: { entry_id: original.entry_id, path: 'Kick.wav', match: 'sound' },
      similar_to: [],
    });
    const edit = item('Kick long decay.wav');
    expect(edit).toMatchObject({ state: 'pending_upload', upload: true, duplicate_of: null });
    expect(edit.similar_to).toContainEqual({
      asset_id: null,
      entry_id: original.entry_id,
      path: 'Kick.wav',
    });
    const repitched = item('Kick +1.wav');
    expect(repitched).toMatchObject({ state: 'pending_upload', duplicate_of: null });
    const kept = [original, edit, repitched];
    const withLinks = kept.filter((i) => i.similar_to.length > 0).length;
    const status = async () =>
      jobStatusResponseSchema.parse((await api(t.url, token).status(jobId)).body);
    expect((await status()).totals).toMatchObject({ queued: 3, duplicates: 1, similar: withLinks });

    // The edit is stored before the hit it is linked to: the link is made when the hit is.
    await upload(token, edit);
    await upload(token, original);
    await upload(token, repitched);
    expect((await status()).totals).toMatchObject({ completed: 3, similar: withLinks });

    const kickAsset = await assetOf(token, 'Kick.wav');
    const editAsset = await assetOf(token, 'Kick long decay.wav');
    const events = bulkImportUpdateSchema.parse((await api(t.url, token).events(jobId)).body);
    expect(events.files.find((f) => f.path === 'Kick long decay.wav')!.similar_to).toContainEqual({
      asset_id: kickAsset,
      entry_id: original.entry_id,
      path: 'Kick.wav',
    });

    const ofKick = await similarFiles(token, kickAsset);
    const ofEdit = await similarFiles(token, editAsset);
    expect(ofKick[0]).toMatchObject({
      id: editAsset,
      reason: 'duplicate-detection',
      path: 'Kick long decay.wav',
      kind: entryOf('Kick long decay.wav').kind ?? null,
    });
    expect(ofEdit.find((f) => f.id === kickAsset)).toMatchObject({ path: 'Kick.wav' });
    for (const list of [ofKick, ofEdit]) {
      expect(new Set(idsOf(list)).size, 'each file once').toBe(list.length);
      for (const f of list) expect(f.similarity).toBeGreaterThan(0);
    }
    const similarity = ofKick.find((f) => f.id === editAsset)!.similarity;
    expect(ofEdit.find((f) => f.id === kickAsset)!.similarity).toBe(similarity);
    expect(ofKick.find((f) => f.id === editAsset)!.duration_s).toBeCloseTo(0.5, 1);

    const viaTrpc = await trpcQuery(t.url, token, 'library.similar', { id: kickAsset });
    expect(viaTrpc.status).toBe(200);
    expect(viaTrpc.body.result.data).toEqual({ items: ofKick });
  });

  it('names the library files a new sound is similar to in the preflight and at ingest, and links them once it is stored', async () => {
    const token = await t.addUser('ben');
    const first = await ingest(token, [entryOf('Kick.wav')]);
    await upload(token, first.item('Kick.wav'));
    const kickAsset = await assetOf(token, 'Kick.wav');
    const inLibrary = { asset_id: kickAsset, entry_id: null, path: 'Kick.wav' };

    const probe = (name: string) => ({
      id: name,
      content_hash: entryOf(name).content_hash,
      fingerprint: entryOf(name).fingerprint,
    });
    const check = checkResponseSchema.parse(
      (
        await api(t.url, token).check({
          items: [probe('Kick -6 dB 48k.wav'), probe('Kick long decay.wav')],
        })
      ).body,
    );
    expect(check.results).toEqual([
      {
        id: 'Kick -6 dB 48k.wav',
        action: 'reject',
        reason: 'duplicate',
        asset_id: kickAsset,
        match: 'sound',
        similar_to: [],
      },
      {
        id: 'Kick long decay.wav',
        action: 'accept',
        reason: null,
        asset_id: null,
        match: null,
        similar_to: [inLibrary],
      },
    ]);

    const second = await ingest(token, [entryOf('Kick long decay.wav')]);
    const edit = second.item('Kick long decay.wav');
    expect(edit).toMatchObject({ state: 'pending_upload', similar_to: [inLibrary] });
    await upload(token, edit);
    const editAsset = await assetOf(token, 'Kick long decay.wav');
    expect(idsOf(linked(await similarFiles(token, kickAsset)))).toEqual([editAsset]);
    expect(idsOf(linked(await similarFiles(token, editAsset)))).toEqual([kickAsset]);
  });

  it("answers another user's file, an unknown id and no token as REST and tRPC do elsewhere", async () => {
    const owner = await t.addUser('cora');
    const other = await t.addUser('dan');
    const job = await ingest(owner, [entryOf('Kick.wav'), entryOf('Kick long decay.wav')]);
    await upload(owner, job.item('Kick.wav'));
    await upload(owner, job.item('Kick long decay.wav'));
    const kickAsset = await assetOf(owner, 'Kick.wav');
    expect(linked(await similarFiles(owner, kickAsset))).toHaveLength(1);

    const asOther = await api(t.url, other).similarFiles(kickAsset);
    expect(asOther.status).toBe(404);
    expect(asOther.body.error.code).toBe('NOT_FOUND');
    expect((await api(t.url, other).similarFiles('not-a-uuid')).status).toBe(404);
    expect((await api(t.url, null).similarFiles(kickAsset)).status).toBe(401);
    const viaTrpc = await trpcQuery(t.url, other, 'library.similar', { id: kickAsset });
    expect(viaTrpc.status).toBe(404);
    expect(viaTrpc.body.error.data.code).toBe('NOT_FOUND');
    const post = await api(t.url, owner).call(
      'POST',
      `/api/v1/audio/files/${kickAsset}/similar`,
      {},
    );
    expect(post.status).toBe(405);

    // The other user's own copy of the sound is new to them, and similar to nothing of the first's.
    const theirs = await ingest(other, [entryOf('Kick long decay.wav')]);
    expect(theirs.item('Kick long decay.wav')).toMatchObject({
      state: 'pending_upload',
      similar_to: [],
    });
  });

  it('keeps another hit of one snare and links it, instead of merging it', async () => {
    const token = await t.addUser('dee');
    const { item } = await ingest(token, [entryOf('Snare.wav'), entryOf('Snare take 2.wav')]);
    expect(item('Snare take 2.wav')).toMatchObject({
      state: 'pending_upload',
      duplicate_of: null,
      similar_to: [{ asset_id: null, entry_id: item('Snare.wav').entry_id, path: 'Snare.wav' }],
    });
  });

  it('finds a copy whose original follows 40 other hits sharing every index key, in one batch and across batches', async () => {
    // Round robins of one snare (other noise) that share all 16 keys with the copy: ranked by
    // shared keys alone, the original comes 41st, beyond the 16 compared whole.
    const original = fingerprintOfPcm({ samples: snare(RATE, 1), rate: RATE });
    const copy = fingerprintOfPcm({ samples: gain(snare(RATE, 1), -6), rate: RATE });
    const template = entryOf('Snare.wav');
    const entry = (path: string, fingerprint: typeof original): Analysed => ({
      ...template,
      path,
      content_hash: createHash('sha256').update(path).digest('hex').slice(0, 16),
      fingerprint,
    });
    const hits = [
      ...snaresSharingEveryKey(copy, 40).map((fp, i) => entry(`rr ${i}.wav`, fp)),
      entry('snare.wav', original),
    ];
    const copyEntry = entry('snare quieter.wav', copy);
    const token = await t.addUser('rob');

    const together = await ingest(token, [...hits, copyEntry]);
    expect(together.item('snare quieter.wav')).toMatchObject({
      state: 'duplicate',
      duplicate_of: { path: 'snare.wav' },
    });
    expect(together.item('rr 39.wav').state).toBe('pending_upload');

    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    await client.ingest({ job_id: jobId, entries: hits });
    const later = await client.ingest({ job_id: jobId, entries: [copyEntry], last: true });
    expect(ingestResponseSchema.parse(later.body).items[0]).toMatchObject({
      state: 'duplicate',
      duplicate_of: { path: 'snare.wav' },
    });
  });

  it('holds two lossless files to closer limits: a saturated note is similar, not a copy', async () => {
    const token = await t.addUser('lou');
    const saturated = entryOf('Note saturated.wav');
    expect(entryOf('Note.wav').fingerprint!.lossless).toBe(true);
    expect(saturated.fingerprint!.lossless).toBe(true);
    const { item } = await ingest(token, [entryOf('Note.wav'), saturated]);
    expect(item('Note saturated.wav')).toMatchObject({
      state: 'pending_upload',
      duplicate_of: null,
      similar_to: [{ entry_id: item('Note.wav').entry_id, path: 'Note.wav' }],
    });
    // The same sound from a lossy file: within a codec's allowances, a copy.
    const lossy = {
      ...saturated,
      path: 'Note saturated.mp3',
      content_hash: 'aaaaaaaaaaaaaaaa',
      fingerprint: { ...saturated.fingerprint!, lossless: false },
    };
    const again = await ingest(token, [entryOf('Note.wav'), lossy]);
    expect(again.item('Note saturated.mp3')).toMatchObject({
      state: 'duplicate',
      duplicate_of: { path: 'Note.wav' },
    });
  });

  it('under keep-both keeps a copy and links it like a similar sound', async () => {
    const token = await t.addUser('hal');
    const client = api(t.url, token);
    const jobId = (await client.init({ on_duplicate: 'keep-both' })).body.job_id as string;
    const answer = await client.ingest({
      job_id: jobId,
      entries: [entryOf('Kick.wav'), entryOf('Kick -6 dB 48k.wav')],
      last: true,
    });
    const [original, copy] = ingestResponseSchema.parse(answer.body).items;
    expect(copy).toMatchObject({
      state: 'pending_upload',
      duplicate_of: null,
      similar_to: [{ asset_id: null, entry_id: original!.entry_id, path: 'Kick.wav' }],
    });
    await upload(token, original!);
    await upload(token, copy!);
    const copyAsset = await assetOf(token, 'Kick -6 dB 48k.wav');
    expect(idsOf(await similarFiles(token, await assetOf(token, 'Kick.wav')))).toEqual([copyAsset]);
  });

  it('forgets the links to an entry whose file changed before it was stored', async () => {
    const token = await t.addUser('ida');
    const client = api(t.url, token);
    const jobId = (await client.init()).body.job_id as string;
    const send = async (entries: unknown[]) =>
      ingestResponseSchema.parse((await client.ingest({ job_id: jobId, entries })).body).items;
    const [, edit] = await send([entryOf('Kick.wav'), entryOf('Kick long decay.wav')]);
    expect(edit!.similar_to).toHaveLength(1);
    // Kick.wav now holds another sound (a snare), sent as the change of its earlier content.
    const changed = {
      ...entryOf('Snare.wav'),
      path: 'Kick.wav',
      supersedes: entryOf('Kick.wav').content_hash,
    };
    const [kick, again] = await send([changed, entryOf('Kick long decay.wav')]);
    expect(kick).toMatchObject({ state: 'pending_upload', similar_to: [] });
    expect(again).toMatchObject({ entry_id: edit!.entry_id, similar_to: [] });
    const status = jobStatusResponseSchema.parse((await client.status(jobId)).body);
    expect(status.totals.similar).toBe(0);
  });

  /** A new user whose library holds Kick.wav stored with a version-1 fingerprint. */
  async function libraryWithOldKick(name: string) {
    const token = await t.addUser(name);
    const { detail: _, ...fingerprint } = entryOf('Kick.wav').fingerprint!;
    const first = await ingest(token, [
      { ...entryOf('Kick.wav'), fingerprint: { ...fingerprint, v: 1 } },
    ]);
    await upload(token, first.item('Kick.wav'));
    return { token, kickAsset: await assetOf(token, 'Kick.wav') };
  }

  it('still takes identical bytes of a library file with a version-1 fingerprint for a duplicate', async () => {
    const { token, kickAsset } = await libraryWithOldKick('eve');
    const { item } = await ingest(token, [entryOf('Kick.wav')]);
    expect(item('Kick.wav')).toMatchObject({
      state: 'duplicate',
      duplicate_of: { asset_id: kickAsset, match: 'content' },
      similar_to: [],
    });
  });

  it('never takes a library file with a version-1 fingerprint for a copy of another file', async () => {
    const { token, kickAsset } = await libraryWithOldKick('gil');
    const copy = entryOf('Kick -6 dB 48k.wav');
    const check = checkResponseSchema.parse(
      (
        await api(t.url, token).check({
          items: [{ id: 'copy', content_hash: copy.content_hash, fingerprint: copy.fingerprint }],
        })
      ).body,
    );
    expect(check.results[0]).toMatchObject({ action: 'accept', asset_id: null });

    const { item } = await ingest(token, [copy]);
    const kept = item('Kick -6 dB 48k.wav');
    expect(kept).toMatchObject({ state: 'pending_upload', duplicate_of: null });
    // It may be linked as similar to the old file, to nothing else.
    const old = { asset_id: kickAsset, entry_id: null, path: 'Kick.wav' };
    expect(kept.similar_to).toEqual(kept.similar_to.length > 0 ? [old] : []);
    await upload(token, kept);
    const paths = (await listLibrary(t.url, token)).map((f: { path: string }) => f.path);
    expect(paths.sort()).toEqual(['Kick -6 dB 48k.wav', 'Kick.wav']);
  });

  it('links a file committed after a restart (its bytes complete but not committed) once, and again answers the same', async () => {
    const token = await t.addUser('fay');
    const { item } = await ingest(token, [entryOf('Kick.wav'), entryOf('Kick long decay.wav')]);
    await upload(token, item('Kick.wav'));
    const edit = item('Kick long decay.wav');
    const bytes = await bytesOf('Kick long decay.wav');
    const created = await tusCreate(t.url, token, edit.entry_id!, bytes.length);
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, t.url).href;
    // Every byte on disk, as a PATCH that got them all in before the process died leaves them.
    await writeFile(join(t.dataDir, 'uploads', url.split('/').pop()!), bytes);
    await t.restart();

    const kickAsset = await assetOf(token, 'Kick.wav');
    const editAsset = await assetOf(token, 'Kick long decay.wav');
    expect(idsOf(await similarFiles(token, kickAsset))).toEqual([editAsset]);
    const head = await fetch(url, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.headers.get('x-entry-state')).toBe('done');
    expect(idsOf(linked(await similarFiles(token, kickAsset)))).toEqual([editAsset]);
    expect(idsOf(linked(await similarFiles(token, editAsset)))).toEqual([kickAsset]);
  });
});
