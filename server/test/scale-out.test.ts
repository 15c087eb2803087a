import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { spawn } from 'node:child_process';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bulkImportUpdateSchema, type BulkImportUpdate } from '../../shared/schemas/index.js';
import { api, listLibrary } from '../../testing/api.js';
import { SM_SERVER_BIN } from '../../testing/paths.js';
import { S3_TEST_CREDENTIALS, startS3Server, type TestS3Server } from '../../testing/s3-server.js';
import { createServerData, databaseKinds, type ServerData } from '../../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { CliRun, contentHash, jsonLines, makeFolder, shown } from '../../cli/test/cli-process.js';
import type { AppRouter } from '../src/trpc/app.router.js';

// Two `sm-server` processes on one PostgreSQL database and one S3 bucket (s3rver), as an operator
// runs them behind a load balancer: a client imports through one and follows the job live through
// the other; every stored file is read back through the other; one process killed mid-import
// and the import finished through the other leaves the library exact.

const FOLDER = {
  'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
  'Kick_03.wav': 'oneshots/Kick_03.wav',
  'Piano_C4.aifc': 'oneshots/Piano_C4.aifc',
  'Snare Tight.aif': 'oneshots/Snare Tight.aif',
  'dupes/Kick_03.mp3': 'dupes/Kick_03.mp3',
  'loops/Bass 124 Gmaj.flac': 'loops/Bass 124 Gmaj.flac',
  'loops/DarkPad Am 90 BPM.wav': 'loops/DarkPad Am 90 BPM.wav',
  'loops/Gm_171_pluck_loop.wav': 'loops/Gm_171_pluck_loop.wav',
};
const ROOT = 'shared-library';
/** The library after the import: every file once, the MP3 kick a duplicate of the WAV one. */
const STORED = Object.keys(FOLDER)
  .filter((p) => p !== 'dupes/Kick_03.mp3')
  .map((p) => `${ROOT}/${p}`)
  .sort();
const BUCKET = 'sm-shared';

const onPostgres = databaseKinds().includes('postgres');

/** Polls `ready` every 200 ms until it holds. */
async function waitFor(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every `bulk_import.update` a user's WebSocket on `url` receives, for all their jobs. */
function followAll(url: string, token: string) {
  const ws = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  const events: BulkImportUpdate[] = [];
  const sub = client.bulkImport.updates.subscribe(
    {},
    { onData: (e) => events.push(bulkImportUpdateSchema.parse(e)) },
  );
  return {
    events,
    /** The files of `jobId` the feed last said were in `state`. */
    filesIn(jobId: string, state: string): string[] {
      const last = new Map<string, string>();
      for (const e of events.filter((x) => x.job_id === jobId))
        for (const f of e.files) last.set(f.path, f.state);
      return [...last].filter(([, s]) => s === state).map(([p]) => p);
    },
    async until(what: string, ok: () => boolean, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ok()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() {
      sub.unsubscribe();
      void ws.close();
    },
  };
}

describe.runIf(onPostgres)('two server processes on one PostgreSQL and one S3 bucket', () => {
  let s3: TestS3Server;
  let work = '';
  let folder = '';
  let dataA: ServerData;
  let dataB: ServerData;
  let a: ServerProcess;
  let b: ServerProcess;
  let token = '';

  /** The other process's data: its own DATA_DIR (uploads in progress), the same database. */
  async function sameDatabase(data: ServerData): Promise<ServerData> {
    const dataDir = await mkdtemp(join(tmpdir(), 'sm-scale-b-'));
    return {
      ...data,
      dataDir,
      env: { ...data.env, DATA_DIR: dataDir },
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  }

  async function libraryIsExact(prefix: string, why: string) {
    const library = await listLibrary(b.url, token);
    expect(library.map((f) => f.path as string).sort(), why).toEqual(STORED);
    for (const file of library) {
      const res = await fetch(`${b.url}/api/v1/audio/files/${file.id}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, `${file.path}`).toBe(200);
      const source = await readFile(join(dirname(folder), file.path as string));
      expect(Buffer.from(await res.arrayBuffer()).equals(source), `${file.path} bytes`).toBe(true);
      expect(file.content_hash).toBe(await contentHash(join(dirname(folder), file.path)));
    }
    // The objects are in the bucket under the prefix, each once; none on either server's disk.
    const listed = await s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys.length, why).toBe(STORED.length);
    for (const data of [dataA, dataB])
      await expect(stat(join(data.dataDir, 'objects'))).rejects.toThrow(/ENOENT/);
  }

  function cliEnv(server: ServerProcess, stateDir: string) {
    return {
      SM_SERVER: server.url,
      SM_TOKEN: token,
      SM_IMPORT_STATE_DIR: stateDir,
      XDG_CONFIG_HOME: stateDir,
      SM_IMPORT_CHUNK_BYTES: '65536',
      SM_IMPORT_MANIFEST_BATCH: '2',
    };
  }

  beforeAll(async () => {
    s3 = await startS3Server([BUCKET]);
    work = await mkdtemp(join(tmpdir(), 'sm-scale-'));
    folder = await makeFolder(work, ROOT, FOLDER);
  }, 60_000);
  afterAll(async () => {
    await s3?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A new database and an empty bucket prefix per test; A makes the user. */
  async function startBoth(prefix: string) {
    dataA = await createServerData({ database: 'postgres', label: 'scale' });
    dataB = await sameDatabase(dataA);
    const env = s3.serverEnv(BUCKET, prefix);
    a = await startServerProcess({ data: dataA, env, users: ['ana'] });
    b = await startServerProcess({ data: dataB, env, users: ['ben'] });
    token = a.tokens.ana!;
  }
  async function stopBoth() {
    await a?.close();
    await b?.close();
    await dataB?.dispose();
    await dataA?.dispose();
  }

  it('imports through one process while the other sends the job live and serves the files', async () => {
    await startBoth('library/');
    try {
      const feed = followAll(b.url, token);
      const run = new CliRun(
        ['import', folder, '--json'],
        cliEnv(a, await mkdtemp(join(work, 'state-'))),
        120_000,
      );
      const result = await run.done;
      const why = `${shown(result)}\nA:\n${a.log().slice(-2000)}\nB:\n${b.log().slice(-2000)}`;
      expect(result.code, why).toBe(0);
      const final = jsonLines(result.stdout).at(-1) as { job_id: string };
      // B heard every change A made: each stored file, the duplicate, and the job's end.
      await feed.until('the completed job on B', () =>
        feed.events.some((e) => e.job_id === final.job_id && e.status === 'completed'),
      );
      expect(feed.filesIn(final.job_id, 'done').sort(), why).toEqual(STORED);
      expect(feed.filesIn(final.job_id, 'duplicate'), why).toEqual([`${ROOT}/dupes/Kick_03.mp3`]);
      feed.close();
      await libraryIsExact('library/', why);
    } finally {
      await stopBoth();
    }
  }, 240_000);

  it('finishes through the other process an import whose server was killed mid-upload', async () => {
    await startBoth('killed/');
    try {
      const feed = followAll(b.url, token);
      const stateDir = await mkdtemp(join(work, 'state-'));
      const first = new CliRun(['import', folder, '--json'], cliEnv(a, stateDir), 120_000);
      // A stores a first file (B hears of it), then dies; the user is told and runs it again
      // against the address that answers.
      await feed.until('a first stored file', () =>
        feed.events.some((e) => e.files.some((f) => f.state === 'done')),
      );
      await a.kill('SIGKILL');
      first.child.kill('SIGKILL');
      await first.done;
      const again = new CliRun(['import', folder, '--json'], cliEnv(b, stateDir), 120_000);
      const result = await again.done;
      const why = `${shown(result)}\nB:\n${b.log().slice(-3000)}`;
      expect(result.code, why).toBe(0);
      feed.close();
      await libraryIsExact('killed/', why);
    } finally {
      await stopBoth();
    }
  }, 240_000);
  /** An `sm-server worker` on the shared database, with its own DATA_DIR; its output kept. */
  function startWorker(env: Record<string, string>) {
    const child = spawn(process.execPath, [SM_SERVER_BIN, 'worker'], {
      env: { ...process.env, ...dataB.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (log += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (log += t));
    const exited = new Promise<NodeJS.Signals | number | null>((done) =>
      child.once('exit', (code, signal) => done(signal ?? code)),
    );
    return {
      log: () => log,
      exited,
      started: () => waitFor('the worker to start', () => log.includes('worker: taking bucket')),
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  }

  /** Puts the folder's files in the bucket under `under`, and imports that prefix through A. */
  async function importBucket(under: string): Promise<string> {
    for (const path of Object.keys(FOLDER))
      await s3.put(BUCKET, `${under}${path}`, await readFile(join(folder, path)));
    const rest = api(a.url, token);
    const jobId = (await rest.init()).body.job_id as string;
    const started = await rest.ingest({
      job_id: jobId,
      source: {
        s3: {
          url: `s3://${BUCKET}/${under}`,
          endpoint: s3.endpoint,
          access_key_id: S3_TEST_CREDENTIALS.accessKeyId,
          secret_access_key: S3_TEST_CREDENTIALS.secretAccessKey,
        },
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    return jobId;
  }

  /** Waits for the job's end and checks it stored each sound once (of the two kicks, one). */
  async function bucketJobIsExact(jobId: string, logs: () => string) {
    const rest = api(a.url, token);
    let final: any = null;
    await waitFor(
      'the job to end',
      async () => {
        final = (await rest.status(jobId)).body;
        return ['completed', 'failed'].includes(final.status);
      },
      180_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(final)}\n${logs().slice(-4000)}`);
    });
    const why = `${JSON.stringify(final)}\n${logs().slice(-4000)}`;
    expect(final, why).toMatchObject({
      status: 'completed',
      totals: { completed: STORED.length, duplicates: 1, failed: 0 },
    });
    // Of the two kicks, the one a worker took first is kept; the library has each sound once.
    const kicks = [`${ROOT}/Kick_03.wav`, `${ROOT}/dupes/Kick_03.mp3`];
    const library = await listLibrary(a.url, token);
    const paths = library.map((f) => `${ROOT}/${f.path as string}`);
    expect(paths.filter((p) => !kicks.includes(p)).sort(), why).toEqual(
      STORED.filter((p) => !kicks.includes(p)),
    );
    expect(
      paths.filter((p) => kicks.includes(p)),
      why,
    ).toHaveLength(1);
    for (const file of library) {
      const res = await fetch(`${a.url}/api/v1/audio/files/${file.id}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const source = await readFile(join(folder, file.path as string));
      expect(Buffer.from(await res.arrayBuffer()).equals(source), `${file.path} bytes`).toBe(true);
    }
  }

  /**
   * Server A on a new database that takes no bucket work (BUCKET_WORKERS=0), library files
   * under `prefix`; the settings every worker of it shares.
   */
  async function startApiOnly(prefix: string, env: Record<string, string> = {}) {
    dataA = await createServerData({ database: 'postgres', label: 'scale' });
    dataB = await sameDatabase(dataA);
    const shared = {
      ...s3.serverEnv(BUCKET, prefix),
      SECRET_KEY: 'c0ffee00'.repeat(8),
      BUCKET_ENDPOINTS: s3.endpoint,
      ...env,
    };
    a = await startServerProcess({
      data: dataA,
      env: { ...shared, BUCKET_WORKERS: '0' },
      users: ['ana'],
    });
    token = a.tokens.ana!;
    return shared;
  }

  it('a server that takes no bucket work and an sm-server worker that does', async () => {
    const shared = await startApiOnly('from-worker/');
    const worker = startWorker({ ...shared, BUCKET_WORKERS: '2' });
    try {
      await worker.started();
      // A serves no bucket work (BUCKET_WORKERS=0): the worker stores every file.
      await bucketJobIsExact(await importBucket('bucket/'), worker.log);
    } finally {
      await worker.stop();
      await stopBoth();
    }
  }, 240_000);

  it('gives the object of a worker killed mid-commit to another worker, and finishes the job', async () => {
    const prefix = 'after-kill/';
    const shared = await startApiOnly(prefix, { BUCKET_OBJECT_TIMEOUT_SECONDS: '5' });
    // The first worker dies at its second commit: that object is in the store, not in the
    // database, and its queue job stays active until it expires.
    const first = startWorker({
      ...shared,
      BUCKET_WORKERS: '1',
      SM_FAILPOINT: 'server:commit@2',
    });
    let second: ReturnType<typeof startWorker> | null = null;
    const logs = () => `first:\n${first.log()}\nsecond:\n${second?.log() ?? ''}`;
    try {
      await first.started();
      const jobId = await importBucket('killed-worker/');
      expect(await first.exited, logs()).toBe('SIGKILL');
      const before = (await api(a.url, token).status(jobId)).body;
      expect(before.status, logs()).toBe('running');
      second = startWorker({ ...shared, BUCKET_WORKERS: '2' });
      await bucketJobIsExact(jobId, logs);
      // Objects are stored under their content hash: the dead worker's object was written again,
      // not twice (one more is left only if it ended a duplicate, the other kick kept).
      const listed = await s3
        .client()
        .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
      const library = await listLibrary(a.url, token);
      expect((listed.Contents ?? []).length, logs()).toBeGreaterThanOrEqual(library.length);
      expect((listed.Contents ?? []).length, logs()).toBeLessThanOrEqual(library.length + 1);
    } finally {
      await second?.stop();
      await first.stop();
      await stopBoth();
    }
  }, 300_000);
});
