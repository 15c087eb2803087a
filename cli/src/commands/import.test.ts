import { createServer } from 'node:net';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_BYTES, SMALL_CHUNKS, writeLargeWav } from '../../test/large-wav.js';
import { excludedEventSchema, jobStatusResponseSchema } from '../../../shared/schemas/index.js';
import { api, listLibrary } from '../../../testing/api.js';
import { databaseKinds } from '../../../testing/server-data.js';
import { startServerInProcess, type InProcessServer } from '../../../testing/server-in-process.js';
import {
  CliRun,
  contentHash,
  expectNoCrash,
  fileEvents,
  jsonLines,
  makeFolder,
  outcomes,
  pathsIn,
  runCli,
  shown,
} from '../../test/cli-process.js';

// Drives the built CLI (`npm test` builds first) as a child process against the real server,
// as a user would: every run is `sm-import import FOLDER --json` with SM_SERVER / SM_TOKEN.

let work = '';

/** The mixed folder of the proof list, by path in the folder. */
const MIXED = {
  'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
  'Kick_03.wav': 'oneshots/Kick_03.wav',
  'Piano_C4.aifc': 'oneshots/Piano_C4.aifc',
  'bad/readme.txt': 'bad/readme.txt',
  'bad/truncated.mp3': 'bad/truncated.mp3',
  // Its MP3 copy comes first in scan order ('A' sorts before 'K'); the WAV is the better copy.
  'A copies/Kick_03.mp3': 'dupes/Kick_03.mp3',
  'loops/Gm_171_pluck_loop.wav': 'loops/Gm_171_pluck_loop.wav',
};
const KICKS = ['mixed/A copies/Kick_03.mp3', 'mixed/Kick_03.wav'];

/** A labelled near miss (fixtures/labels.json): the same stems, the bass mixed 6 dB louder. */
const MIX = { 'a Bass+Drums.wav': 'loops/Bass+Drums 140 Abm.wav' };
const REMIX = { 'b Bass+Drums (bass up).wav': 'near/Bass+Drums 140 Abm (bass up).wav' };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

let downRun: CliRun | null = null;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sm-import-test-'));
  // The run against a server that is down retries for about a minute before it gives up; it
  // is started here so that minute passes while the other suites run, and checked at the end.
  const downFolder = await makeFolder(work, 'down', { 'Kick_03.wav': 'oneshots/Kick_03.wav' });
  downRun = new CliRun(
    ['import', downFolder, '--json'],
    {
      SM_SERVER: `http://127.0.0.1:${await closedPort()}`,
      SM_TOKEN: 'smt_whatever',
      SM_IMPORT_STATE_DIR: await mkdtemp(join(work, 'state-')),
      XDG_CONFIG_HOME: await mkdtemp(join(work, 'config-')),
    },
    100_000,
  );
});

afterAll(async () => {
  downRun?.child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

describe.each(databaseKinds())('sm-import import on %s', (kind) => {
  let t: InProcessServer;
  let users = 0;

  beforeAll(async () => {
    t = await startServerInProcess(kind);
  });
  afterAll(async () => t?.close());

  /** A new user of the server and the environment of a CLI run as that user. */
  async function newUser(): Promise<{ token: string; env: Record<string, string> }> {
    const token = await t.addUser(`user${++users}`);
    return {
      token,
      env: {
        SM_SERVER: t.url,
        SM_TOKEN: token,
        SM_IMPORT_STATE_DIR: await mkdtemp(join(work, 'state-')),
        XDG_CONFIG_HOME: await mkdtemp(join(work, 'config-')),
      },
    };
  }

  const libraryHashes = async (token: string) =>
    (await listLibrary(t.url, token)).map((a) => a.content_hash as string).sort();

  async function jobList(token: string): Promise<any[]> {
    const res = await api(t.url, token).call('GET', '/api/v1/audio/bulk-import/jobs');
    expect(res.status).toBe(200);
    return res.body.jobs;
  }

  /** Imports a folder holding Piano_C4.aifc, so that the library has it before the test. */
  async function preloadPiano(env: Record<string, string>) {
    const pre = await makeFolder(work, 'pre', { 'Piano_C4.aifc': 'oneshots/Piano_C4.aifc' });
    const run = await runCli(['import', pre, '--json'], env);
    expect(run.code, shown(run)).toBe(0);
    return jobStatusResponseSchema.parse(jsonLines(run.stdout).at(-1));
  }

  /** The tus uploads on the server holding more than `min` bytes and less than `total`. */
  async function uploadsHolding(min: number, total: number): Promise<string[]> {
    const dir = join(t.dataDir, 'uploads');
    const found: string[] = [];
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name.endsWith('.json')) continue;
      const size = await stat(join(dir, name)).then(
        (s) => s.size,
        () => 0,
      );
      if (size > min && size < total) found.push(name);
    }
    return found;
  }

  /** More than four PATCHes of the large file are in, and not all of them yet. */
  const largeUploadUnderway = async () =>
    (await uploadsHolding(4 * Number(SMALL_CHUNKS), LARGE_BYTES)).length > 0;

  it('neither analyses nor uploads what --exclude and .smignore files exclude, and says why', async () => {
    const { token, env } = await newUser();
    const folder = await makeFolder(work, 'excl', {
      'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
      'Old/Kick_03.wav': 'oneshots/Kick_03.wav',
      'Old/keep/Piano_C4.aifc': 'oneshots/Piano_C4.aifc',
      'loops/Gm_171_pluck_loop.wav': 'loops/Gm_171_pluck_loop.wav',
    });
    // The folder's own patterns: Old/ goes (what is in it cannot come back), loops/ stays.
    await writeFile(join(folder, '.smignore'), 'Old/\n!Old/keep/\n');
    const run = await runCli(['import', folder, '--json', '--exclude', '/loops/*.wav'], env);
    expect(run.code, shown(run)).toBe(0);
    const events = jsonLines(run.stdout);
    expect(events[0]).toEqual({ type: 'scan', files: 1, problems: [], excluded: 3 });
    const excluded = events.filter((e) => e.type === 'excluded');
    expect(excluded.map((e) => excludedEventSchema.parse(e))).toEqual(excluded);
    expect(excluded).toEqual([
      {
        type: 'excluded',
        path: 'excl/Old/Kick_03.wav',
        pattern: 'Old/',
        source: 'excl/.smignore',
        line: 1,
      },
      {
        type: 'excluded',
        path: 'excl/Old/keep/Piano_C4.aifc',
        pattern: 'Old/',
        source: 'excl/.smignore',
        line: 1,
      },
      {
        type: 'excluded',
        path: 'excl/loops/Gm_171_pluck_loop.wav',
        pattern: '/loops/*.wav',
        source: '--exclude',
        line: null,
      },
    ]);
    expect(new Set(fileEvents(events).map((e) => e.path))).toEqual(
      new Set(['excl/CLAP_808_24bit.wav']),
    );
    expect(jobStatusResponseSchema.parse(events.at(-1)).totals).toMatchObject({
      completed: 1,
      failed: 0,
    });
    expect(await libraryHashes(token)).toEqual([
      await contentHash(join(folder, 'CLAP_808_24bit.wav')),
    ]);

    const bad = await runCli(['import', folder, '--exclude', 'a//b'], env);
    expect(bad.code, shown(bad)).toBe(2);
    expect(bad.stderr).toContain('bad exclusion pattern "a//b" (--exclude)');
  });

  it('imports a mixed folder: duplicates in it and in the library, a bad file and a text file', async () => {
    const { token, env } = await newUser();
    const pre = await preloadPiano(env);
    const mixed = await makeFolder(work, 'mixed', MIXED);

    const run = await runCli(['import', mixed, '--json'], env);
    expectNoCrash(run);
    expect(run.code, shown(run)).toBe(1); // the truncated file failed
    const events = jsonLines(run.stdout);
    expect(events[0]).toEqual({ type: 'scan', files: 7, problems: [], excluded: 0 });
    const jobEvent = events.find((e) => e.type === 'job');
    expect(jobEvent).toMatchObject({ resumed: false });
    expect(jobEvent.job_id).not.toBe(pre.job_id);

    const final = jobStatusResponseSchema.parse(events.at(-1));
    expect(final).toMatchObject({
      job_id: jobEvent.job_id,
      status: 'completed',
      manifest_closed: true,
      on_duplicate: 'skip',
      totals: { queued: 0, processing: 0, completed: 3, duplicates: 2, failed: 1 },
    });
    expect(final.errors).toEqual([
      { path: 'mixed/bad/truncated.mp3', reason: expect.stringMatching(/truncated/) },
    ]);
    // The REST status says the same as the last line.
    expect((await api(t.url, token).status(final.job_id)).body).toEqual(final);

    const outcome = outcomes(events);
    expect(outcome.get('mixed/bad/truncated.mp3')).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/truncated/),
    });
    expect(outcome.get('mixed/bad/readme.txt')).toMatchObject({
      state: 'skipped',
      reason: expect.stringMatching(/not audio/),
    });
    expect(outcome.get('mixed/Piano_C4.aifc')).toMatchObject({
      state: 'duplicate',
      duplicate_of: 'pre/Piano_C4.aifc',
      match: 'content',
    });
    for (const path of ['mixed/CLAP_808_24bit.wav', 'mixed/loops/Gm_171_pluck_loop.wav']) {
      expect(outcome.get(path)?.state, path).toBe('done');
    }
    // The two kicks are one sound: the lossless one is uploaded, though the MP3 comes first in
    // scan order, and the MP3 is its duplicate (as the wizard keeps the best copy).
    const kept = KICKS.filter((p) => outcome.get(p)?.state === 'done');
    expect(kept).toEqual(['mixed/Kick_03.wav']);
    const other = KICKS.find((p) => p !== kept[0])!;
    expect(outcome.get(other)).toMatchObject({
      state: 'duplicate',
      duplicate_of: kept[0],
      match: 'sound',
    });

    const expected = await Promise.all(
      [
        'mixed/Piano_C4.aifc', // the same bytes as pre/Piano_C4.aifc
        'mixed/CLAP_808_24bit.wav',
        'mixed/loops/Gm_171_pluck_loop.wav',
        kept[0]!,
      ].map((p) => contentHash(join(dirname(mixed), p))),
    );
    expect(await libraryHashes(token)).toEqual(expected.sort());
    expect((await listLibrary(t.url, token)).map((a) => a.path).sort()).toEqual(
      [
        'mixed/CLAP_808_24bit.wav',
        'mixed/loops/Gm_171_pluck_loop.wav',
        kept[0],
        'pre/Piano_C4.aifc',
      ].sort(),
    );
  });

  it('running the same import again analyses nothing and uploads nothing', async () => {
    const { token, env } = await newUser();
    await preloadPiano(env);
    const mixed = await makeFolder(work, 'mixed', MIXED);
    const first = await runCli(['import', mixed, '--json'], env);
    expect(first.code, shown(first)).toBe(1);
    const firstFinal = jobStatusResponseSchema.parse(jsonLines(first.stdout).at(-1));
    const library = await listLibrary(t.url, token);
    const jobs = await jobList(token);

    const second = await runCli(['import', mixed, '--json'], env);
    expectNoCrash(second);
    expect(second.code, shown(second)).toBe(first.code);
    const events = jsonLines(second.stdout);
    expect(fileEvents(events, 'analysed')).toEqual([]);
    expect(fileEvents(events, 'uploading')).toEqual([]);
    expect(second.stdout).not.toContain('"state":"uploading"');
    // The outcome is the first run's: same job, same totals, the failure still named.
    const final = jobStatusResponseSchema.parse(events.at(-1));
    expect(final.job_id).toBe(firstFinal.job_id);
    expect(final.totals).toEqual(firstFinal.totals);
    expect(final.errors).toEqual(firstFinal.errors);
    expect(outcomes(events).get('mixed/bad/truncated.mp3')).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/truncated/),
    });
    expect(await listLibrary(t.url, token)).toEqual(library);
    expect(await jobList(token)).toHaveLength(jobs.length);
  });

  it('a run killed mid-upload is continued by the next run: same job, upload resumed', async () => {
    const { token, env } = await newUser();
    const folder = await makeFolder(work, 'killed', {
      'Kick_03.wav': 'oneshots/Kick_03.wav',
      'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
      'Piano_C4.aifc': 'oneshots/Piano_C4.aifc',
    });
    await writeLargeWav(join(folder, 'Large noise.wav'), LARGE_BYTES);
    const large = 'killed/Large noise.wav';
    const runEnv = { ...env, SM_IMPORT_CHUNK_BYTES: SMALL_CHUNKS };

    const first = new CliRun(['import', folder, '--json'], runEnv);
    await first.waitFor('the large file is uploading', () =>
      fileEvents(first.events(), 'uploading').some((e) => e.path === large),
    );
    await first.waitFor('the server holds part of the large file', () => largeUploadUnderway());
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const firstEvents = first.events();
    const jobId = firstEvents.find((e) => e.type === 'job')?.job_id as string;
    // The kill landed mid-upload: the job still waits for the large file's bytes.
    const between = (await api(t.url, token).status(jobId)).body;
    expect(between.totals.processing + between.totals.queued).toBeGreaterThanOrEqual(1);
    expect(await libraryHashes(token)).not.toContain(
      await contentHash(join(folder, 'Large noise.wav')),
    );
    const analysedBefore = pathsIn(firstEvents, 'analysed');
    expect(analysedBefore).toContain(large);
    const held = await uploadsHolding(4 * Number(SMALL_CHUNKS), LARGE_BYTES);
    expect(held).toHaveLength(1);

    // While the second run uploads, watch which uploads on the server hold much of the file.
    const run = new CliRun(['import', folder, '--json'], runEnv);
    const growing = new Set<string>();
    let ended = false;
    const stop = () => {
      ended = true;
    };
    void run.done.then(stop, stop);
    while (!ended) {
      for (const name of await uploadsHolding(4 * Number(SMALL_CHUNKS), LARGE_BYTES + 1))
        growing.add(name);
      await new Promise((r) => setTimeout(r, 10));
    }
    const second = await run.done;
    expectNoCrash(second);
    // Soft: a run that goes wrong here usually goes wrong in several ways; report them all.
    expect.soft(second.code, shown(second)).toBe(0);
    const events = jsonLines(second.stdout);
    expect
      .soft(events.filter((e) => e.type === 'job'))
      .toEqual([{ type: 'job', job_id: jobId, resumed: true }]);
    const analysedAgain = pathsIn(events, 'analysed').filter((p) => analysedBefore.includes(p));
    expect.soft(analysedAgain).toEqual([]);
    expect
      .soft(fileEvents(events, 'uploading').filter((e) => e.path === large))
      .toEqual([{ type: 'file', path: large, state: 'uploading', resuming: true }]);
    // It went on in the upload the server held, from its offset: no new upload from byte 0.
    expect.soft([...growing]).toEqual(held);
    const final = jobStatusResponseSchema.parse(events.at(-1));
    expect.soft(final).toMatchObject({
      job_id: jobId,
      status: 'completed',
      totals: { queued: 0, processing: 0, completed: 4, duplicates: 0, failed: 0 },
      errors: [],
    });
    const expected = await Promise.all(
      ['Kick_03.wav', 'CLAP_808_24bit.wav', 'Piano_C4.aifc', 'Large noise.wav'].map((f) =>
        contentHash(join(folder, f)),
      ),
    );
    expect.soft(await libraryHashes(token)).toEqual(expected.sort()); // each file once
    // One job, and it ended: no second job left waiting for bytes that never come.
    expect
      .soft((await jobList(token)).map((j) => [j.job_id, j.status, j.totals]))
      .toEqual([
        [
          jobId,
          'completed',
          { queued: 0, processing: 0, completed: 4, duplicates: 0, failed: 0, similar: 0 },
        ],
      ]);
  }, 90_000);

  it('a server restarted during an upload: the run still completes', async () => {
    const { token, env } = await newUser();
    const folder = await makeFolder(work, 'restart', {
      'Kick_03.wav': 'oneshots/Kick_03.wav',
      'CLAP_808_24bit.wav': 'oneshots/CLAP_808_24bit.wav',
      'loops/Gm_171_pluck_loop.wav': 'loops/Gm_171_pluck_loop.wav',
    });
    await writeLargeWav(join(folder, 'Large noise.wav'), LARGE_BYTES);
    const run = new CliRun(['import', folder, '--json'], {
      ...env,
      SM_IMPORT_CHUNK_BYTES: SMALL_CHUNKS,
    });
    await run.waitFor('the server holds part of the large file', () => largeUploadUnderway());
    await t.restart();

    const result = await run.done;
    expectNoCrash(result);
    expect.soft(result.code, shown(result)).toBe(0);
    const events = jsonLines(result.stdout);
    // No file is reported failed: each one's upload went on (or was found done) after the restart.
    expect.soft(fileEvents(events, 'failed')).toEqual([]);
    const final = jobStatusResponseSchema.parse(events.at(-1));
    expect(final).toMatchObject({
      status: 'completed',
      totals: { queued: 0, processing: 0, completed: 4, duplicates: 0, failed: 0 },
      errors: [],
    });
    const expected = await Promise.all(
      ['Kick_03.wav', 'CLAP_808_24bit.wav', 'loops/Gm_171_pluck_loop.wav', 'Large noise.wav'].map(
        (f) => contentHash(join(folder, f)),
      ),
    );
    expect(await libraryHashes(token)).toEqual(expected.sort());
  }, 90_000);

  it('a sound close to another of the job is uploaded too, and reported similar', async () => {
    const { token, env } = await newUser();
    const folder = await makeFolder(work, 'mix', { ...MIX, ...REMIX });
    const [mix, remix] = ['mix/a Bass+Drums.wav', 'mix/b Bass+Drums (bass up).wav'];

    // The dry run finds it within the run.
    const dry = await runCli(['import', folder, '--dry-run', '--json'], env);
    expect(dry.code, shown(dry)).toBe(0);
    const dryEvents = jsonLines(dry.stdout);
    expect(fileEvents(dryEvents, 'would_upload')).toEqual([
      { type: 'file', path: mix, state: 'would_upload', similar_to: [] },
      { type: 'file', path: remix, state: 'would_upload', similar_to: [mix] },
    ]);
    expect(dryEvents.at(-1)).toMatchObject({ would_upload: 2, duplicates_in_run: 0, similar: 1 });

    // The server finds it within the job: both are stored, the later one names the earlier.
    const run = await runCli(['import', folder, '--json'], env);
    expectNoCrash(run);
    expect(run.code, shown(run)).toBe(0);
    const events = jsonLines(run.stdout);
    expect(outcomes(events).get(mix)).toEqual({
      type: 'file',
      path: mix,
      state: 'done',
      similar_to: [],
    });
    expect(outcomes(events).get(remix)).toEqual({
      type: 'file',
      path: remix,
      state: 'done',
      similar_to: [mix],
    });
    expect(jobStatusResponseSchema.parse(events.at(-1)).totals).toMatchObject({
      completed: 2,
      duplicates: 0,
      similar: 1,
    });
    const hashes = await Promise.all(
      [mix, remix].map((p) => contentHash(join(dirname(folder), p))),
    );
    expect(await libraryHashes(token)).toEqual(hashes.sort());
  });

  it('a sound close to one of the library is uploaded too, and reported similar', async () => {
    const { token, env } = await newUser();
    const pre = await makeFolder(work, 'pre', MIX);
    expect((await runCli(['import', pre, '--json'], env)).code).toBe(0);
    const folder = await makeFolder(work, 'later', REMIX);
    const remix = 'later/b Bass+Drums (bass up).wav';
    const similar = { type: 'file', path: remix, similar_to: ['pre/a Bass+Drums.wav'] };

    // The dry run finds it through the server's preflight, the import through its ingest answer.
    const dry = await runCli(['import', folder, '--dry-run', '--json'], env);
    expect(dry.code, shown(dry)).toBe(0);
    expect(fileEvents(jsonLines(dry.stdout), 'would_upload')).toEqual([
      { ...similar, state: 'would_upload' },
    ]);
    const run = await runCli(['import', folder, '--json'], env);
    expectNoCrash(run);
    expect(run.code, shown(run)).toBe(0);
    const events = jsonLines(run.stdout);
    expect(outcomes(events).get(remix)).toEqual({ ...similar, state: 'done' });
    expect(jobStatusResponseSchema.parse(events.at(-1)).totals).toMatchObject({
      completed: 1,
      similar: 1,
    });
    expect(await libraryHashes(token)).toHaveLength(2);
  });

  it('a refused token: exit code 2, a message naming the token, no job', async () => {
    const { token, env } = await newUser();
    const folder = await makeFolder(work, 'token', { 'Kick_03.wav': 'oneshots/Kick_03.wav' });
    const run = await runCli(['import', folder, '--json'], { ...env, SM_TOKEN: `${token}x` });
    expectNoCrash(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^sm-import: .*refused the token.*(--token|SM_TOKEN)/);
    expect(run.stdout).not.toContain('"type":"job"');
    expect(await jobList(token)).toEqual([]);
    expect(await listLibrary(t.url, token)).toEqual([]);
  });

  it('an upload the server refused is sent again by `sm-import retry`, and stored', async () => {
    const { token, env } = await newUser();
    const folder = await makeFolder(work, 'retry', { 'Kick_03.wav': 'oneshots/Kick_03.wav' });
    const file = join(folder, 'Kick_03.wav');
    const when = 1_700_000_000; // a whole second: the date is set back exactly
    await utimes(file, when, when);
    const dry = await runCli(['import', folder, '--dry-run', '--json'], env);
    expect(dry.code, shown(dry)).toBe(0);
    // Other bytes of the same size and date: the run file's analysis is reused, so the upload
    // carries bytes whose hash is not the one its entry declared, and the server refuses them.
    const original = await readFile(file);
    const damaged = Buffer.from(original);
    damaged[damaged.length - 1]! ^= 0xff;
    await writeFile(file, damaged);
    await utimes(file, when, when);
    const run = await runCli(['import', folder, '--json'], env);
    expect(run.code, shown(run)).toBe(1);
    const failed = jobStatusResponseSchema.parse(jsonLines(run.stdout).at(-1));
    expect(failed.totals).toMatchObject({ completed: 0, failed: 1 });
    expect(failed.errors).toEqual([
      { path: 'retry/Kick_03.wav', reason: expect.stringMatching(/xxh64/) },
    ]);
    expect(await libraryHashes(token)).toEqual([]);

    await writeFile(file, original);
    await utimes(file, when, when);
    const retry = await runCli(['retry', failed.job_id, '--json'], env);
    expect(retry.code, shown(retry)).toBe(0);
    const events = jsonLines(retry.stdout);
    expect(fileEvents(events, 'done').map((e) => e.path)).toEqual(['retry/Kick_03.wav']);
    const final = jobStatusResponseSchema.parse(events.at(-1));
    expect(final).toMatchObject({ job_id: failed.job_id, status: 'completed' });
    expect(final.totals).toMatchObject({ completed: 1, failed: 0 });
    expect(await libraryHashes(token)).toEqual([await contentHash(file)]);
  });

  it('status prints the job; --dry-run makes no job and counts what would happen', async () => {
    const { token, env } = await newUser();
    const pre = await preloadPiano(env);
    const status = await runCli(['status', pre.job_id, '--json'], env);
    expect(status.code, shown(status)).toBe(0);
    const printed = jsonLines(status.stdout);
    expect(printed).toHaveLength(1);
    expect(jobStatusResponseSchema.parse(printed[0])).toEqual(
      (await api(t.url, token).status(pre.job_id)).body,
    );
    expect(printed[0]).toMatchObject({
      status: 'completed',
      totals: { completed: 1, duplicates: 0, failed: 0 },
    });
    const unknown = await runCli(['status', 'not-a-job'], env);
    expect(unknown.code, shown(unknown)).toBe(1);
    expect(unknown.stderr).toBe(
      'sm-import: the server answered 400: job id "not-a-job" is not a UUID\n',
    );

    const mixed = await makeFolder(work, 'mixed', MIXED);
    const jobsBefore = await jobList(token);
    const dry = await runCli(['import', mixed, '--dry-run', '--json'], env);
    expectNoCrash(dry);
    expect(dry.code, shown(dry)).toBe(1); // the truncated file would fail
    const events = jsonLines(dry.stdout);
    const sizes = await Promise.all(
      // Of the two kicks, the lossless Kick_03.wav is the one to upload (the MP3 comes first).
      ['CLAP_808_24bit.wav', 'Kick_03.wav', 'loops/Gm_171_pluck_loop.wav'].map(
        async (f) => (await stat(join(mixed, f))).size,
      ),
    );
    expect(events.at(-1)).toEqual({
      type: 'dry_run',
      files: 7,
      would_upload: 3,
      would_upload_bytes: sizes.reduce((a, b) => a + b, 0),
      duplicates_in_run: 1,
      duplicates_in_library: 1,
      similar: 0,
      skipped: 1,
      failed: 1,
    });
    expect(pathsIn(events, 'would_upload')).toEqual([
      'mixed/CLAP_808_24bit.wav',
      'mixed/Kick_03.wav',
      'mixed/loops/Gm_171_pluck_loop.wav',
    ]);
    expect(outcomes(events).get('mixed/bad/truncated.mp3')).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/truncated/),
    });
    expect(await jobList(token)).toEqual(jobsBefore);
    expect(await libraryHashes(token)).toEqual([await contentHash(join(mixed, 'Piano_C4.aifc'))]);

    // The real import then reuses the dry run's analyses, and its job has a status too.
    const real = await runCli(['import', mixed, '--json'], env);
    expect(real.code, shown(real)).toBe(1);
    const realEvents = jsonLines(real.stdout);
    expect(fileEvents(realEvents, 'analysed')).toEqual([]);
    const final = jobStatusResponseSchema.parse(realEvents.at(-1));
    expect(final.totals).toEqual({
      queued: 0,
      processing: 0,
      completed: 3,
      duplicates: 2,
      failed: 1,
      similar: 0,
    });
    const jobStatus = await runCli(['status', final.job_id, '--json'], env);
    expect(jobStatus.code).toBe(1); // a file of the job failed
    expect(jobStatusResponseSchema.parse(JSON.parse(jobStatus.stdout))).toEqual(final);
  });
});

describe('sm-import import without a server', () => {
  it('a server that is down: exit code 2 and a message, after its retries', async () => {
    const run = await downRun!.done;
    expectNoCrash(run);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^sm-import: the server at http:\/\/127\.0\.0\.1:\d+ is not answering/,
    );
    expect(run.stderr).toMatch(/is sm-server running\?/);
    // It said it was retrying, and did nothing else.
    const events = jsonLines(run.stdout);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'note' && /retrying/.test(e.message))).toBe(true);
  }, 120_000);
});
