import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_TEST_CREDENTIALS, startS3Server, type TestS3Server } from '../../testing/s3-server.js';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { api, databaseKinds, FIXTURES, listLibrary } from './harness.js';
import { CliRun, jsonLines, shown } from '../../cli/test/cli-process.js';
import { excludedEventSchema, jobStatusResponseSchema } from '../../shared/schemas/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

// Import from an S3 bucket on the server (s3rver): the server lists the prefix, fetches each
// object, analyses it with the shared core and takes it through the same ingest and commit as
// an uploaded file. A bucket with copies, a file that is not audio and a damaged file; a bucket
// the server cannot read answered at ingest; the credentials forgotten once the job ends.

const BUCKET = 'sm-bucket-import';
/** key under `pack/` → fixture */
const OBJECTS: Record<string, string> = {
  'Kick_03.wav': 'oneshots/Kick_03.wav',
  'drums/Kick copy.wav': 'oneshots/Kick_03.wav', // the same bytes under another name
  'drums/Kick_03.mp3': 'dupes/Kick_03.mp3', // the same sound, another format
  'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
  'loops/Bass 124 Gmaj.flac': 'loops/Bass 124 Gmaj.flac',
  'bad/truncated.mp3': 'bad/truncated.mp3',
};
/** What the library holds after: each sound once (which of the three kicks depends on which
 * worker took its object first). */
const STORED = ['CLAP_808_24bit.wav', 'loops/Bass 124 Gmaj.flac'];
const KICKS = ['Kick_03.wav', 'drums/Kick copy.wav', 'drums/Kick_03.mp3'];

let s3: TestS3Server;

beforeAll(async () => {
  s3 = await startS3Server([BUCKET]);
  for (const [key, fixture] of Object.entries(OBJECTS))
    await s3.put(BUCKET, `pack/${key}`, await readFile(join(FIXTURES, fixture)));
  await s3.put(BUCKET, 'pack/README.txt', 'not audio');
  await s3.put(BUCKET, 'elsewhere/Kick.wav', 'outside the prefix');
  // A prefix with exclusions: a .smignore leaves out Old/, the request leaves out FLAC files.
  await s3.put(BUCKET, 'kept/.smignore', '# not these\nOld/\n');
  await s3.put(
    BUCKET,
    'kept/CLAP.wav',
    await readFile(join(FIXTURES, 'oneshots/CLAP_808_24bit.wav')),
  );
  await s3.put(BUCKET, 'kept/Old/Kick.wav', await readFile(join(FIXTURES, 'oneshots/Kick_03.wav')));
  await s3.put(
    BUCKET,
    'kept/Bass.flac',
    await readFile(join(FIXTURES, 'loops/Bass 124 Gmaj.flac')),
  );
  await s3.put(BUCKET, 'badignore/.smignore', 'Old/\n[unclosed\n');
  await s3.put(
    BUCKET,
    'badignore/CLAP.wav',
    await readFile(join(FIXTURES, 'oneshots/CLAP_808_24bit.wav')),
  );
});
afterAll(async () => s3?.close());

function serverEnv() {
  return { BUCKET_ENDPOINTS: s3.endpoint, BUCKET_WORKERS: '2' };
}

function source(overrides: Record<string, unknown> = {}) {
  return {
    s3: {
      url: `s3://${BUCKET}/pack`,
      endpoint: s3.endpoint,
      access_key_id: S3_TEST_CREDENTIALS.accessKeyId,
      secret_access_key: S3_TEST_CREDENTIALS.secretAccessKey,
      ...overrides,
    },
  };
}

/** The environment of `sm-import` run against the server at `url`, with the bucket's keys. */
function cliEnv(url: string, token: string, home: string): Record<string, string> {
  return {
    SM_SERVER: url,
    SM_TOKEN: token,
    SM_IMPORT_STATE_DIR: home,
    XDG_CONFIG_HOME: home,
    HOME: home,
    AWS_PROFILE: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
  };
}

/** The job's status once it has ended; throws after 120 s. */
async function finishedAs(client: ReturnType<typeof api>, jobId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const body = (await client.status(jobId)).body as { status: string };
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`the job did not end: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(databaseKinds())('import from an S3 bucket on %s', (kind) => {
  let t: ServerProcess;
  let token: string;

  beforeAll(async () => {
    t = await startServerProcess({
      database: kind,
      users: ['ana', 'ben', 'cy', 'dee', 'eve', 'fay', 'gus'],
      env: serverEnv(),
    });
    token = t.tokens.ana!;
  }, 60_000);
  afterAll(async () => t?.close());

  /** The job's sealed credentials as the database holds them (the server stopped meanwhile). */
  async function storedCredentials(jobId: string): Promise<unknown[]> {
    await t.stop();
    try {
      return await readCredentials(jobId);
    } finally {
      await t.restart(serverEnv());
    }
  }
  async function readCredentials(jobId: string): Promise<unknown[]> {
    const query = 'select credentials from bucket_sources where job_id = $1';
    if (t.databaseUrl) {
      const client = new pg.Client({ connectionString: t.databaseUrl });
      await client.connect();
      try {
        return (await client.query(query, [jobId])).rows;
      } finally {
        await client.end();
      }
    }
    const db = await PGlite.create(join(t.dataDir, 'db'));
    try {
      return (await db.query(query, [jobId])).rows;
    } finally {
      await db.close();
    }
  }

  async function finished(jobId: string) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const status = await api(t.url, token).status(jobId);
      const body = status.body as { status: string };
      if (body.status === 'completed' || body.status === 'failed') return status.body;
      if (Date.now() > deadline) throw new Error(`the job did not end: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('answers at ingest when the bucket cannot be read, and starts nothing', async () => {
    const jobId = (await api(t.url, token).init()).body.job_id as string;
    const refused = await api(t.url, token).ingest({
      job_id: jobId,
      source: source({ access_key_id: 'WRONGKEY' }),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/^cannot read s3:\/\/sm-bucket-import\/pack: /);
    expect(JSON.stringify(refused.body)).not.toContain('S3RVER');

    const missing = await api(t.url, token).ingest({
      job_id: jobId,
      source: source({ url: 's3://sm-no-such-bucket/pack' }),
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/NoSuchBucket/);

    const elsewhere = await api(t.url, token).ingest({
      job_id: jobId,
      source: source({ endpoint: 'http://169.254.169.254' }),
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.message).toMatch(
      /does not import from http:\/\/169\.254\.169\.254.*BUCKET_ENDPOINTS/,
    );

    const both = await api(t.url, token).ingest({ job_id: jobId, source: source(), entries: [] });
    expect(both.status).toBe(400);
    expect((await api(t.url, token).status(jobId)).body).toMatchObject({ status: 'queued' });
  });

  it('sm-import import s3://… starts the job, follows it and exits as a folder import does', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sm-bucket-cli-'));
    const env = (aws: Record<string, string>) => ({
      SM_SERVER: t.url,
      SM_TOKEN: t.tokens.ben!,
      SM_IMPORT_STATE_DIR: home,
      XDG_CONFIG_HOME: home,
      HOME: home,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...aws,
    });
    const args = ['import', `s3://${BUCKET}/pack`, '--endpoint', s3.endpoint, '--json'];
    try {
      const refused = await new CliRun(
        args,
        env({ AWS_ACCESS_KEY_ID: 'WRONGKEY', AWS_SECRET_ACCESS_KEY: 'x' }),
      ).done;
      expect(refused.code, shown(refused)).toBe(2);
      expect(refused.stderr).toMatch(
        /cannot read s3:\/\/sm-bucket-import\/pack: InvalidAccessKeyId/,
      );

      const none = await new CliRun(args, env({})).done;
      expect(none.code, shown(none)).toBe(2);
      expect(none.stderr).toMatch(/no AWS credentials for the bucket/);

      const run = await new CliRun(
        args,
        env({
          AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
        }),
        120_000,
      ).done;
      // The damaged file failed: exit 1, as for a folder.
      expect(run.code, shown(run)).toBe(1);
      const lines = jsonLines(run.stdout);
      expect(lines[0]).toMatchObject({ type: 'job', source: `s3://${BUCKET}/pack` });
      expect(lines.some((l) => l.type === 'bulk_import.update')).toBe(true);
      expect(lines.at(-1)).toMatchObject({
        status: 'completed',
        source: `sm-import s3://${BUCKET}/pack`,
        totals: { completed: 3, duplicates: 2, failed: 1 },
      });
      expect(run.stdout + run.stderr).not.toContain(S3_TEST_CREDENTIALS.secretAccessKey);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 180_000);

  it('imports the same bucket again without fetching the objects it imported before', async () => {
    // Ben imported pack/ with the CLI (the test before): a second job finds each object's
    // version (same bucket, key and ETag) analysed before and decides it without reading it.
    const ben = api(t.url, t.tokens.ben!);
    const before = await s3.objectReads();
    const jobId = (await ben.init({ source: 'bucket again' })).body.job_id as string;
    const started = await ben.ingest({ job_id: jobId, source: source() });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const deadline = Date.now() + 120_000;
    let final: any;
    do {
      await new Promise((r) => setTimeout(r, 250));
      final = (await ben.status(jobId)).body;
    } while (!['completed', 'failed'].includes(final.status) && Date.now() < deadline);
    expect(final, JSON.stringify(final)).toMatchObject({
      status: 'completed',
      totals: { completed: 0, duplicates: 5, failed: 1 },
    });
    // Only the damaged file is read again (a failed analysis is not remembered).
    const after = await s3.objectReads();
    const read = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(read).toEqual([`${BUCKET}/pack/bad/truncated.mp3`]);
    expect((await listLibrary(t.url, t.tokens.ben!)).length).toBe(3);
  }, 180_000);

  it('stops fetching once the job is cancelled, and keeps what it stored', async () => {
    const cy = api(t.url, t.tokens.cy!);
    const kick = await readFile(join(FIXTURES, 'oneshots/Kick_03.wav'));
    for (let i = 0; i < 40; i++)
      await s3.put(BUCKET, `many-${kind}/Kick ${String(i).padStart(2, '0')}.wav`, kick);
    const before = await s3.objectReads();
    const jobId = (await cy.init({ source: 'cancelled bucket' })).body.job_id as string;
    const started = await cy.ingest({
      job_id: jobId,
      source: source({ url: `s3://${BUCKET}/many-${kind}` }),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const cancelled = await cy.cancel(jobId);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const readsOf = async () => {
      const now = await s3.objectReads();
      return Object.keys(now)
        .filter((k) => k.startsWith(`${BUCKET}/many-${kind}/`))
        .reduce((n, k) => n + now[k]! - (before[k] ?? 0), 0);
    };
    // Workers that had an object in hand finish it; no object is fetched after that.
    await new Promise((r) => setTimeout(r, 3000));
    const settled = await readsOf();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await readsOf()).toBe(settled);
    expect(settled).toBeLessThan(40);
    const status = (await cy.status(jobId)).body;
    expect(status.status).toBe('cancelled');
    expect(await storedCredentials(jobId)).toEqual([{ credentials: null }]);
    // What was stored before the cancel stays, and is what the job counts as stored.
    const library = await listLibrary(t.url, t.tokens.cy!);
    expect(library.length).toBe(status.totals.completed);
  }, 60_000);

  it('stores each new sound once, marks copies and records what it could not read', async () => {
    const jobId = (await api(t.url, token).init({ source: 'bucket' })).body.job_id as string;
    const started = await api(t.url, token).ingest({ job_id: jobId, source: source() });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body).toMatchObject({ job_id: jobId, accepted: 0, items: [] });

    const final = await finished(jobId);
    expect(final, JSON.stringify(final)).toMatchObject({
      status: 'completed',
      manifest_closed: true,
      totals: { completed: 3, duplicates: 2, failed: 1, queued: 0, processing: 0 },
    });
    expect((final as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'bad/truncated.mp3',
    ]);

    const library = await listLibrary(t.url, token);
    const paths = library.map((f) => f.path as string);
    expect(paths.filter((p) => !KICKS.includes(p)).sort()).toEqual(STORED);
    expect(paths.filter((p) => KICKS.includes(p))).toHaveLength(1);
    for (const file of library) {
      const res = await fetch(`${t.url}/api/v1/audio/files/${file.id}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const source = await readFile(join(FIXTURES, OBJECTS[file.path as string]!));
      expect(Buffer.from(await res.arrayBuffer()).equals(source), `${file.path}`).toBe(true);
    }
    // The job ended: its credentials are gone from the database, and no log line holds them.
    expect(t.log()).not.toContain(S3_TEST_CREDENTIALS.secretAccessKey);
    expect(await storedCredentials(jobId)).toEqual([{ credentials: null }]);
  }, 180_000);

  it('leaves out what a .smignore under the prefix and the request exclude, and the .smignore', async () => {
    const dee = api(t.url, t.tokens.dee!);
    const refused = await dee.ingest({
      job_id: (await dee.init()).body.job_id,
      source: source({ url: `s3://${BUCKET}/kept`, exclude: ['[z-a]'] }),
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('the range z-a is backwards');

    const jobId = (await dee.init({ source: 'excluding bucket' })).body.job_id as string;
    const started = await dee.ingest({
      job_id: jobId,
      source: source({ url: `s3://${BUCKET}/kept`, exclude: ['*.flac'] }),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const body = (await dee.status(jobId)).body as { status: string };
    const deadline = Date.now() + 120_000;
    let final = body as unknown as { status: string; totals: object; errors: unknown[] };
    while (final.status !== 'completed' && final.status !== 'failed') {
      if (Date.now() > deadline) throw new Error(`the job did not end: ${JSON.stringify(final)}`);
      await new Promise((r) => setTimeout(r, 250));
      final = (await dee.status(jobId)).body as typeof final;
    }
    expect(final).toMatchObject({
      status: 'completed',
      totals: { completed: 1, duplicates: 0, failed: 0 },
      errors: [],
    });
    // The status counts what was left out and says why, in key order; not the .smignore.
    expect(jobStatusResponseSchema.parse(final).bucket).toEqual({
      listed: 1,
      listing_done: true,
      excluded: 2,
      excluded_sample: [
        { path: 'Bass.flac', reason: { pattern: '*.flac', source: 'exclude', line: null } },
        { path: 'Old/Kick.wav', reason: { pattern: 'Old/', source: '.smignore', line: 2 } },
      ],
    });
    const library = await listLibrary(t.url, t.tokens.dee!);
    expect(library.map((f) => f.path)).toEqual(['CLAP.wav']);
    // A job of files sent by a client has no listing.
    const folderJob = (await dee.init()).body.job_id as string;
    expect((await dee.status(folderJob)).body).not.toHaveProperty('bucket');
  }, 180_000);

  it('counts each excluded object once when the listing fails midway and resumes', async () => {
    // Pages of two keys; the store fails the third page of the listing (twice: the SDK tries
    // again once), so the queue runs the listing again, which goes on from the second page.
    const prefix = `resumed-${kind}/`;
    await s3.put(BUCKET, `${prefix}.smignore`, '*.txt\n');
    await s3.put(
      BUCKET,
      `${prefix}CLAP.wav`,
      await readFile(join(FIXTURES, 'oneshots/CLAP_808_24bit.wav')),
    );
    for (let i = 1; i <= 6; i++) await s3.put(BUCKET, `${prefix}notes/${i}.txt`, `note ${i}`);
    await s3.put(
      BUCKET,
      `${prefix}skip/Kick.wav`,
      await readFile(join(FIXTURES, 'oneshots/Kick_03.wav')),
    );
    // 9 keys, 5 pages. Answered before the failure: the check at ingest (1), the listing of
    // the .smignore objects (5) and the first two pages (2).
    await s3.listings(prefix, { maxKeys: 2, failAfter: 8, failTimes: 2 });

    const gus = api(t.url, t.tokens.gus!);
    const jobId = (await gus.init({ source: 'resumed listing' })).body.job_id as string;
    const started = await gus.ingest({
      job_id: jobId,
      source: source({ url: `s3://${BUCKET}/${prefix}`, exclude: ['skip/'] }),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const final = jobStatusResponseSchema.parse(await finishedAs(gus, jobId));
    expect(final, JSON.stringify(final)).toMatchObject({
      status: 'completed',
      totals: { completed: 1, duplicates: 0, failed: 0 },
      errors: [],
    });
    const listings = await s3.listings(prefix);
    // It failed, and went on from the page it had recorded: the .smignore objects listed
    // again (5), then pages 3 to 5 (3), not the whole prefix again.
    expect(listings, t.log()).toEqual({ answered: 16, failed: 2 });
    const notes = [1, 2, 3, 4, 5, 6].map((i) => ({
      path: `notes/${i}.txt`,
      reason: { pattern: '*.txt', source: '.smignore', line: 1 },
    }));
    expect(final.bucket).toEqual({
      listed: 1,
      listing_done: true,
      excluded: 7,
      excluded_sample: [
        ...notes,
        { path: 'skip/Kick.wav', reason: { pattern: 'skip/', source: 'exclude', line: null } },
      ],
    });
    expect((await listLibrary(t.url, t.tokens.gus!)).map((f) => f.path)).toEqual(['CLAP.wav']);
  }, 180_000);

  it('imports nothing from a prefix whose .smignore holds a bad pattern, and says which', async () => {
    const eve = api(t.url, t.tokens.eve!);
    const jobId = (await eve.init({ source: 'bad smignore' })).body.job_id as string;
    const started = await eve.ingest({
      job_id: jobId,
      source: source({ url: `s3://${BUCKET}/badignore` }),
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const deadline = Date.now() + 120_000;
    let final = (await eve.status(jobId)).body as { status: string; errors: { reason: string }[] };
    while (final.status !== 'completed' && final.status !== 'failed') {
      if (Date.now() > deadline) throw new Error(`the job did not end: ${JSON.stringify(final)}`);
      await new Promise((r) => setTimeout(r, 250));
      final = (await eve.status(jobId)).body as typeof final;
    }
    expect(final.errors.map((e) => e.reason)).toEqual([
      'nothing imported: bad exclusion pattern "[unclosed" (.smignore line 2): a "[" is never closed by "]"; fix or remove it',
    ]);
    expect(await listLibrary(t.url, t.tokens.eve!)).toEqual([]);

    // The CLI says so too, and exits 1: nothing of the prefix was imported.
    const home = await mkdtemp(join(tmpdir(), 'sm-bucket-cli-'));
    try {
      const run = await new CliRun(
        ['import', `s3://${BUCKET}/badignore`, '--endpoint', s3.endpoint, '--json'],
        cliEnv(t.url, t.tokens.eve!, home),
        120_000,
      ).done;
      expect(run.code, shown(run)).toBe(1);
      expect(jsonLines(run.stdout).at(-1)).toMatchObject({
        status: 'completed',
        errors: [{ reason: expect.stringMatching(/^nothing imported: bad exclusion pattern/) }],
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 180_000);

  it('sm-import import s3://… --exclude hands its patterns to the server with the source', async () => {
    const home = await mkdtemp(join(tmpdir(), 'sm-bucket-cli-'));
    try {
      const run = await new CliRun(
        [
          'import',
          `s3://${BUCKET}/kept`,
          '--endpoint',
          s3.endpoint,
          '--json',
          '--exclude',
          '*.flac',
        ],
        cliEnv(t.url, t.tokens.fay!, home),
        120_000,
      ).done;
      expect(run.code, shown(run)).toBe(0);
      const lines = jsonLines(run.stdout);
      expect(lines.at(-1)).toMatchObject({
        status: 'completed',
        totals: { completed: 1, duplicates: 0, failed: 0 },
        bucket: { excluded: 2 },
      });
      // Each excluded object is an `excluded` event, as a folder import's are, before the end.
      const excluded = lines.filter((l) => l.type === 'excluded');
      expect(excluded.map((l) => excludedEventSchema.parse(l))).toEqual([
        { type: 'excluded', path: 'Bass.flac', pattern: '*.flac', source: 'exclude', line: null },
        { type: 'excluded', path: 'Old/Kick.wav', pattern: 'Old/', source: '.smignore', line: 2 },
      ]);
      expect(lines.indexOf(excluded.at(-1))).toBe(lines.length - 2);
      expect((await listLibrary(t.url, t.tokens.fay!)).map((f) => f.path)).toEqual(['CLAP.wav']);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 180_000);
});

// A bucket job that was running when its server was killed is taken up again as soon as a
// server is back, not after the queue's expiry (6 h for a listing, 30 min for an object): on
// PGlite, the one process retries it when it starts; on PostgreSQL, the job's lease died with
// its process, and the next sweep finds it.
describe.each(databaseKinds())('a bucket import whose server is killed, on %s', (kind) => {
  let t: ServerProcess;

  beforeAll(async () => {
    t = await startServerProcess({ database: kind, users: ['ivy', 'jo'], env: serverEnv() });
  }, 60_000);
  afterAll(async () => t?.close());

  it.each([
    ['its listing', 'ivy', `killed-listing-${kind}/`, 'server:bucket-page-listed@2'],
    [
      'an object it had just stored',
      'jo',
      `killed-object-${kind}/`,
      'server:bucket-object-ingested@1',
    ],
  ])(
    'goes on with %s as soon as the server is back, and stores each sound once',
    async (_what, user, prefix, point) => {
      const sounds = {
        'Bass.flac': 'loops/Bass 124 Gmaj.flac',
        'Clap.wav': 'oneshots/CLAP_808_24bit.wav',
        'Kick.wav': 'oneshots/Kick_03.wav',
      };
      for (const [key, fixture] of Object.entries(sounds))
        await s3.put(BUCKET, `${prefix}${key}`, await readFile(join(FIXTURES, fixture)));
      await s3.listings(prefix, { maxKeys: 1 }); // three pages
      await t.restart({ ...serverEnv(), SM_FAILPOINT: point });
      const client = api(t.url, t.tokens[user]!);
      const jobId = (await client.init({ source: prefix })).body.job_id as string;
      const started = await client.ingest({
        job_id: jobId,
        source: source({ url: `s3://${BUCKET}/${prefix}` }),
      });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      expect((await t.exited()).signal, t.log()).toBe('SIGKILL');

      await t.restart(serverEnv());
      const final = jobStatusResponseSchema.parse(await finishedAs(client, jobId));
      expect(final, t.log()).toMatchObject({
        status: 'completed',
        totals: { completed: 3, duplicates: 0, failed: 0 },
        errors: [],
        bucket: { listed: 3, listing_done: true },
      });
      const stored = (await listLibrary(t.url, t.tokens[user]!)).map((f) => f.path).sort();
      expect(stored).toEqual(Object.keys(sounds));
    },
    180_000,
  );
});
