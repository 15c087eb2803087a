import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_BYTES, SMALL_CHUNKS, writeLargeWav } from '../../test/large-wav.js';
import { jobStatusResponseSchema, watchEventSchema } from '../../../shared/schemas/index.js';
import { listLibrary } from '../../../testing/api.js';
import { FIXTURES } from '../../../testing/paths.js';
import { databaseKinds } from '../../../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../../../testing/server-process.js';
import {
  CliRun,
  contentHash,
  expectNoCrash,
  fileEvents,
  jsonLines,
  makeFolder,
  runCli,
  shown,
} from '../../test/cli-process.js';

// `sm-import import PATH --watch` as a user runs it: the built CLI against a real server
// process (which can be stopped and started again), files written into the watched folder
// while it runs, and Ctrl-C (SIGINT) to end it.

/** Long enough for a watch that waits out the server's absence (about a minute of retries). */
const WATCH_TIMEOUT_MS = 240_000;
const WATCH_EVENTS = ['watching', 'watch_change', 'watch_batch', 'watch_retry', 'watch_stopped'];

let work = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sm-import-watch-'));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe('sm-import import --watch: usage', () => {
  const env = { SM_SERVER: 'http://127.0.0.1:9', SM_TOKEN: 'smt_whatever' };

  it('refuses a bucket, --dry-run, and a path that is not there, before any work', async () => {
    const bucket = await runCli(['import', 's3://my-samples/packs', '--watch'], env);
    expect(bucket.code, shown(bucket)).toBe(2);
    expect(bucket.stderr).toContain('--watch is for folders on this machine');

    const dry = await runCli(['import', work, '--watch', '--dry-run'], env);
    expect(dry.code, shown(dry)).toBe(2);
    expect(dry.stderr).toContain('--watch imports what changes; run --dry-run alone');

    const analyze = await runCli(['analyze', work, '--watch'], env);
    expect(analyze.code, shown(analyze)).toBe(2);
    expect(analyze.stderr).toContain('--watch is for import');

    const missing = await runCli(['import', join(work, 'nowhere'), '--watch'], env);
    expect(missing.code, shown(missing)).toBe(2);
    expect(missing.stderr).toMatch(/--watch: cannot watch .*nowhere: file not found/);
  });
});

describe.each(databaseKinds())('sm-import import --watch on %s', (kind) => {
  let server: ServerProcess;

  async function start() {
    server = await startServerProcess({ database: kind, label: 'test' });
    return {
      SM_SERVER: server.url,
      SM_TOKEN: server.token,
      SM_IMPORT_STATE_DIR: await mkdtemp(join(work, 'state-')),
      XDG_CONFIG_HOME: await mkdtemp(join(work, 'config-')),
    };
  }
  afterEach(async () => server?.close());

  /** The watch's own events, each checked against the contract. */
  const watchEvents = (run: CliRun) =>
    run
      .events()
      .filter((e) => WATCH_EVENTS.includes(e.type))
      .map((e) => watchEventSchema.parse(e));

  const isDone = (run: CliRun, path: string) =>
    fileEvents(run.events(), 'done').some((e) => e.path === path);

  /** The library's copy of `path`: present, and its bytes those of `file`. */
  async function expectStored(path: string, file: string) {
    const library = await listLibrary(server.url, server.token);
    const asset = library.find((a) => a.path === path);
    expect(asset, `${path} is in the library`).toBeDefined();
    expect(asset.content_hash).toBe(await contentHash(file));
    const res = await fetch(`${server.url}/api/v1/audio/files/${asset.id}/content`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(await readFile(file))).toBe(true);
  }

  it('imports a new file written into the watched folder and a changed one (keeping what it held), tells a deletion, stops on Ctrl-C', async () => {
    const env = await start();
    const folder = await makeFolder(work, 'watched', { 'Kick_03.wav': 'oneshots/Kick_03.wav' });
    await writeFile(join(folder, '.smignore'), 'Old/\n');
    const run = new CliRun(
      ['import', folder, '--watch', '--json', '--exclude', '/Renders/'],
      env,
      WATCH_TIMEOUT_MS,
    );
    await run.waitFor('the watch starts', () => run.events().some((e) => e.type === 'watching'));
    expect(isDone(run, 'watched/Kick_03.wav')).toBe(true);

    // Files excluded (by the .smignore, by --exclude) and a new one, written while it watches.
    await mkdir(join(folder, 'Old'));
    await copyFile(join(FIXTURES, 'oneshots/Piano_C4.aifc'), join(folder, 'Old/Piano_C4.aifc'));
    await mkdir(join(folder, 'Renders'));
    await copyFile(join(FIXTURES, 'oneshots/Snare Tight.aif'), join(folder, 'Renders/Snare.aif'));
    const clap = join(folder, 'CLAP_808_24bit.wav');
    await copyFile(join(FIXTURES, 'oneshots/CLAP_808_24bit.wav'), clap);
    await run.waitFor('the new file is stored', () => isDone(run, 'watched/CLAP_808_24bit.wav'));
    await expectStored('watched/CLAP_808_24bit.wav', clap);

    // Changed on disk (another sound written over it): imported as what it now holds, and the
    // library keeps the sound it held before.
    const before = await contentHash(clap);
    await copyFile(join(FIXTURES, 'oneshots/Snare Tight.aif'), clap);
    await run.waitFor(
      'the change is imported',
      () =>
        watchEvents(run).some((e) => e.type === 'watch_change' && e.change === 'changed') &&
        fileEvents(run.events(), 'done').filter((e) => e.path === 'watched/CLAP_808_24bit.wav')
          .length === 2,
    );
    const hashes = (await listLibrary(server.url, server.token))
      .filter((a) => a.path === 'watched/CLAP_808_24bit.wav')
      .map((a) => a.content_hash);
    expect(hashes.sort()).toEqual([before, await contentHash(clap)].sort());

    // Deleted on disk: told, and the library keeps it.
    await rm(join(folder, 'Kick_03.wav'));
    await run.waitFor('the deletion is told', () =>
      watchEvents(run).some((e) => e.type === 'watch_change' && e.change === 'deleted'),
    );

    run.child.kill('SIGINT');
    const ended = await run.done;
    expectNoCrash(ended);
    expect(ended.code, shown(ended)).toBe(0);
    const events = watchEvents(run);
    expect(events.at(-1)).toEqual({
      type: 'watch_stopped',
      batches: 2,
      imported: 2,
      deleted: 1,
      pending: 0,
    });
    expect(run.events().at(-1)).toEqual(events.at(-1)); // the last line of the output
    expect(events.filter((e) => e.type === 'watch_change')).toEqual([
      { type: 'watch_change', path: 'watched/CLAP_808_24bit.wav', change: 'added' },
      { type: 'watch_change', path: 'watched/CLAP_808_24bit.wav', change: 'changed' },
      { type: 'watch_change', path: 'watched/Kick_03.wav', change: 'deleted' },
    ]);
    expect(events.find((e) => e.type === 'watch_batch')).toEqual({
      type: 'watch_batch',
      files: 1,
      added: 1,
      changed: 0,
      waiting: 0,
    });
    // The excluded files were never analysed nor sent, and each was said excluded once.
    expect(fileEvents(run.events()).filter((e) => /Old|Renders/.test(String(e.path)))).toEqual([]);
    expect(run.events().filter((e) => e.type === 'excluded')).toEqual([
      {
        type: 'excluded',
        path: 'watched/Old/Piano_C4.aifc',
        pattern: 'Old/',
        source: 'watched/.smignore',
        line: 1,
      },
      {
        type: 'excluded',
        path: 'watched/Renders/Snare.aif',
        pattern: '/Renders/',
        source: '--exclude',
        line: null,
      },
    ]);
    const library = (await listLibrary(server.url, server.token)).map((a) => a.path).sort();
    // The clap's path twice: the sound it held first, and the one written over it.
    expect(library).toEqual([
      'watched/CLAP_808_24bit.wav',
      'watched/CLAP_808_24bit.wav',
      'watched/Kick_03.wav',
    ]);
  }, 300_000);

  it('survives the server going away and back: the file written meanwhile is imported', async () => {
    const env = await start();
    const folder = await makeFolder(work, 'outage', { 'Kick_03.wav': 'oneshots/Kick_03.wav' });
    const run = new CliRun(['import', folder, '--watch', '--json'], env, WATCH_TIMEOUT_MS);
    await run.waitFor('the watch starts', () => run.events().some((e) => e.type === 'watching'));

    await server.stop();
    const snare = join(folder, 'Snare Tight.aif');
    await copyFile(join(FIXTURES, 'oneshots/Snare Tight.aif'), snare);
    // The batch's calls go unanswered through every retry; the batch is kept for later.
    await run.waitFor(
      'the batch waits for the server',
      () => watchEvents(run).some((e) => e.type === 'watch_retry'),
      150_000,
    );
    await server.restart();
    await run.waitFor('the file is stored', () => isDone(run, 'outage/Snare Tight.aif'), 150_000);
    await expectStored('outage/Snare Tight.aif', snare);

    run.child.kill('SIGINT');
    const ended = await run.done;
    expectNoCrash(ended);
    expect(ended.code, shown(ended)).toBe(0);
    expect(watchEvents(run).at(-1)).toMatchObject({
      type: 'watch_stopped',
      batches: 1,
      imported: 1,
      pending: 0,
    });
  }, 360_000);

  it('Ctrl-C during a batch: exit 130, the files left said, and the same import finishes it', async () => {
    const env = { ...(await start()), SM_IMPORT_CHUNK_BYTES: SMALL_CHUNKS };
    const folder = await makeFolder(work, 'cut', { 'Kick_03.wav': 'oneshots/Kick_03.wav' });
    const run = new CliRun(['import', folder, '--watch', '--json'], env, WATCH_TIMEOUT_MS);
    await run.waitFor('the watch starts', () => run.events().some((e) => e.type === 'watching'));
    // Written elsewhere and moved in, as a finished download is: one event, the whole file.
    const large = join(work, 'Large noise.wav');
    await writeLargeWav(large, LARGE_BYTES);
    await rename(large, join(folder, 'Large noise.wav'));
    await run.waitFor('the large file is uploading', () =>
      fileEvents(run.events(), 'uploading').some((e) => e.path === 'cut/Large noise.wav'),
    );
    run.child.kill('SIGINT');
    const ended = await run.done;
    expectNoCrash(ended);
    expect(ended.code, shown(ended)).toBe(130);
    expect(watchEvents(run).at(-1)).toEqual({
      type: 'watch_stopped',
      batches: 0,
      imported: 0,
      deleted: 0,
      pending: 1,
    });
    const jobId = run
      .events()
      .filter((e) => e.type === 'job')
      .at(-1)?.job_id as string;

    // The same import, without --watch: it continues the batch's job, and the file is stored.
    const again = await runCli(['import', folder, '--json'], env);
    expectNoCrash(again);
    expect(again.code, shown(again)).toBe(0);
    const events = jsonLines(again.stdout);
    expect(events.filter((e) => e.type === 'job')).toEqual([
      { type: 'job', job_id: jobId, resumed: true },
    ]);
    expect(jobStatusResponseSchema.parse(events.at(-1))).toMatchObject({
      job_id: jobId,
      status: 'completed',
      totals: { completed: 1, failed: 0 },
    });
    await expectStored('cut/Large noise.wav', join(folder, 'Large noise.wav'));
  }, 300_000);
});
