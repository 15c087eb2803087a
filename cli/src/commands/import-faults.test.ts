import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobStatusResponseSchema } from '../../../shared/schemas/index.js';
import type { FailpointName } from '../../../shared/node/failpoints.js';
import { api, listLibrary } from '../../../testing/api.js';
import { databaseKinds } from '../../../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../../../testing/server-process.js';
import {
  CliRun,
  contentHash,
  expectNoCrash,
  fileEvents,
  jsonLines,
  makeFolder,
  shown,
} from '../../test/cli-process.js';

// The fault-injection suite of `sm-import import`: the CLI or the server is killed (SIGKILL, at
// a failpoint: SM_FAILPOINT) at each point of an import, then the import is finished the way a
// user would finish it (the same command again; the server started again), and the library is
// compared with the truth byte for byte. A kill mid-upload (by the clock) and a server restart
// mid-upload are in import.test.ts.

/** The folder of every run: 9 files, two of one sound, one truncated. */
const FOLDER = {
  'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
  'Kick_03.wav': 'oneshots/Kick_03.wav',
  'Piano_C4.aifc': 'oneshots/Piano_C4.aifc',
  'Snare Tight.aif': 'oneshots/Snare Tight.aif',
  'bad/truncated.mp3': 'bad/truncated.mp3',
  'dupes/Kick_03.mp3': 'dupes/Kick_03.mp3',
  'loops/Bass 124 Gmaj.flac': 'loops/Bass 124 Gmaj.flac',
  'loops/DarkPad Am 90 BPM.wav': 'loops/DarkPad Am 90 BPM.wav',
  'loops/Gm_171_pluck_loop.wav': 'loops/Gm_171_pluck_loop.wav',
};
const ROOT = 'faults';
/** The truth: what the library must hold after the import, each file once. */
const STORED = [
  'CLAP_808_24bit.wav',
  'Kick_03.wav', // the first of the two kicks in name order
  'Piano_C4.aifc',
  'Snare Tight.aif',
  'loops/Bass 124 Gmaj.flac',
  'loops/DarkPad Am 90 BPM.wav',
  'loops/Gm_171_pluck_loop.wav',
].map((p) => `${ROOT}/${p}`);
const DUPLICATE = `${ROOT}/dupes/Kick_03.mp3`;
const FAILED = `${ROOT}/bad/truncated.mp3`;
const TOTALS = { queued: 0, processing: 0, completed: 7, duplicates: 1, failed: 1 };

/** Small batches and small chunks: several manifest calls and PATCHes, points to stop between. */
const RUN_ENV = { SM_IMPORT_MANIFEST_BATCH: '2', SM_IMPORT_CHUNK_BYTES: '65536' };
/** A run that must wait through a server restart (uploads retry for about a minute and a half). */
const RUN_TIMEOUT_MS = 150_000;

let work = '';
let folder = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sm-import-faults-'));
  folder = await makeFolder(work, ROOT, FOLDER);
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe.each(databaseKinds())('an import killed at any point finishes exactly, on %s', (kind) => {
  let server: ServerProcess;

  /** Each test is a new server (an empty library) and a new machine (an empty state folder). */
  async function start(env: Record<string, string> = {}) {
    server = await startServerProcess({ database: kind, env });
    return {
      ...RUN_ENV,
      SM_SERVER: server.url,
      SM_TOKEN: server.token,
      SM_IMPORT_STATE_DIR: await mkdtemp(join(work, 'state-')),
      XDG_CONFIG_HOME: await mkdtemp(join(work, 'config-')),
    };
  }
  afterEach(async () => server?.close());

  /**
   * Checks everything the issue asks after an interrupted import was finished: the last run's
   * outcome, the job's counters, the library (each file once, its bytes the source's bytes), and
   * that no run ever said "imported" of a file the library does not hold.
   */
  async function expectFinishedExactly(runs: CliRun[], context: string) {
    const last = await runs.at(-1)!.done;
    const why = `${context}\n${shown(last)}\nserver log:\n${server.log().slice(-3000)}`;
    expectNoCrash(last);
    expect(last.code, why).toBe(1); // the truncated file failed, as it should
    const events = jsonLines(last.stdout);
    const final = jobStatusResponseSchema.parse(events.at(-1));
    expect(final, why).toMatchObject({
      status: 'completed',
      totals: TOTALS,
      manifest_closed: true,
    });
    expect(
      final.errors.map((e) => e.path),
      why,
    ).toEqual([FAILED]);
    // One job: every run continued the first one.
    const jobs = (await api(server.url, server.token).call('GET', '/api/v1/audio/bulk-import/jobs'))
      .body.jobs as { job_id: string; totals: unknown }[];
    expect(
      jobs.map((j) => j.job_id),
      why,
    ).toEqual([final.job_id]);
    expect((await api(server.url, server.token).status(final.job_id)).body, why).toEqual(final);

    const library = await listLibrary(server.url, server.token);
    expect(library.map((a) => a.path as string).sort(), why).toEqual(STORED);
    for (const asset of library) {
      const res = await fetch(`${server.url}/api/v1/audio/files/${asset.id}/content`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      const stored = Buffer.from(await res.arrayBuffer());
      const source = await readFile(join(dirname(folder), asset.path as string));
      expect(stored.equals(source), `${asset.path}: stored bytes differ from the file`).toBe(true);
      expect(asset.content_hash).toBe(await contentHash(join(dirname(folder), asset.path)));
    }

    // Nothing was said imported that is not in the library, in any run; every stored file and
    // the duplicate were reported as such by some run.
    const said = new Map<string, string>();
    for (const run of runs) {
      for (const e of fileEvents(run.events())) {
        if (e.state === 'done' || e.state === 'duplicate') said.set(e.path, e.state);
      }
    }
    const storedPaths = new Set(STORED);
    for (const [path, state] of said) {
      if (state === 'done') expect(storedPaths.has(path), `${path} was said imported`).toBe(true);
    }
    expect(
      [...said]
        .filter(([, s]) => s === 'done')
        .map(([p]) => p)
        .sort(),
      why,
    ).toEqual(STORED);
    expect(said.get(DUPLICATE), why).toBe('duplicate');
  }

  /** Runs the import with the CLI killed at `point`; then the same command again, to the end. */
  async function killCliAt(point: FailpointName | `${FailpointName}@${number}`) {
    const env = await start();
    const killed = new CliRun(['import', folder, '--json'], { ...env, SM_FAILPOINT: point });
    const first = await killed.done;
    expect(first.signal, `the run should have died at ${point}\n${shown(first)}`).toBe('SIGKILL');
    expect(first.stderr).toContain(`failpoint ${point.split('@')[0]}`);
    const again = new CliRun(['import', folder, '--json'], env, RUN_TIMEOUT_MS);
    await expectFinishedExactly([killed, again], `CLI killed at ${point}`);
    return { killed, again };
  }

  /**
   * Runs the import while the server kills itself at `point`; the server is started again (as an
   * operator would) and the same run goes on to the end. With `killCliToo`, the CLI is killed
   * as well while the server is down, and run again.
   */
  async function killServerAt(point: FailpointName, killCliToo = false) {
    const env = await start({ SM_FAILPOINT: point });
    const run = new CliRun(['import', folder, '--json'], env, RUN_TIMEOUT_MS);
    const died = await Promise.race([server.exited(), run.done.then(() => null)]);
    expect(died, `the server should have died at ${point}\n${server.log().slice(-2000)}`).toEqual({
      code: null,
      signal: 'SIGKILL',
    });
    const runs = [run];
    if (killCliToo) {
      run.child.kill('SIGKILL');
      await run.done;
    }
    await server.restart();
    if (killCliToo) runs.push(new CliRun(['import', folder, '--json'], env, RUN_TIMEOUT_MS));
    await expectFinishedExactly(
      runs,
      `server killed at ${point}${killCliToo ? ' with the CLI' : ''}`,
    );
  }

  it('the CLI killed during analysis: the next run analyses only what is left', async () => {
    const { killed, again } = await killCliAt('cli:analysed@3');
    const before = fileEvents(killed.events(), 'analysed').map((e) => e.path as string);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const reanalysed = fileEvents(again.events(), 'analysed').filter((e) =>
      before.includes(e.path),
    );
    expect(reanalysed).toEqual([]);
  }, 240_000);

  it('the CLI killed between manifest batches', async () => {
    await killCliAt('cli:batch-answered');
  }, 240_000);

  it('the CLI killed once the last manifest batch was answered', async () => {
    await killCliAt('cli:manifest-closed');
  }, 240_000);

  it('the CLI killed after the server confirmed an upload, before recording it', async () => {
    await killCliAt('cli:upload-confirmed@2');
  }, 240_000);

  it('the server killed after a manifest batch committed, before answering it', async () => {
    await killServerAt('server:ingest-committed');
  }, 240_000);

  it('the server killed after the last manifest batch committed, before answering it', async () => {
    await killServerAt('server:manifest-closed');
  }, 240_000);

  it("the server killed after a file's last byte, before its commit", async () => {
    await killServerAt('server:upload-complete');
  }, 240_000);

  it("the server and the CLI killed after a file's last byte, before its commit", async () => {
    await killServerAt('server:upload-complete', true);
  }, 240_000);

  it('the server killed during a commit, before the database has it', async () => {
    await killServerAt('server:commit');
  }, 240_000);

  it('the server killed after a commit, before answering the last PATCH', async () => {
    await killServerAt('server:committed');
  }, 240_000);
});
