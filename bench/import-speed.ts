/**
 * `npm run bench:import`: the whole library imported end to end, (a) with the CLI and (b) with
 * the wizard in headless Chromium, one after the other, each into a fresh server on the
 * embedded defaults (its own DATA_DIR with PGlite, a free port); then the same library a second
 * time into the same server, which must upload nothing. Beside them, native ffmpeg decoding the
 * whole library, as the reference. Prints files/hour, CPU by stage, memory by quarter of the
 * files, outcomes against the labels, crashes, and whether the targets were met (5,000 files in
 * under 5 minutes by the CLI; the wizard within 1.5× the CLI). Figures only: nothing asserted.
 *
 * Usage: node dist/bench/import-speed.js [DIR] — DIR holds the library and its labels.json;
 * without it, /tmp/lib5000 when it has labels.json (with --files 5000), else a library made by
 * fixtures/make-library.ts with --files (5000) and --seed (11) in the temp folder, made once.
 * Options: --workers N (2: a third import, in the wizard with localStorage `sm-import:workers`
 * = N; 0 leaves it out), --runs LIST (reference,cli,wizard: which parts to run, for profiling one
 * of them; the report's ratios need all three), --stall-seconds S (300: an import with no progress that long is
 * stopped and reported), --chromium PATH (/usr/bin/chromium), --ffmpeg-parallel N (cores).
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../testing/paths.js';
import type { LibraryItem } from '../shared/schemas/index.js';
import { closeBrowsers } from './browser-run.js';
import { audioFilesIn, ffmpegDecodeAll, ffmpegStartMs } from './ffmpeg-reference.js';
import { cliImport } from './import-cli.js';
import { expectedOf, scoreImport } from './import-outcome.js';
import { printReport, type Measured, type Reference } from './import-report.js';
import {
  closeImportServers,
  killImportServers,
  startImportServer,
  type BatchEvent,
  type ImportServer,
  type ProbeAnswer,
} from './import-server.js';
import { wizardImport } from './import-wizard.js';
import { readLabels } from './labels.js';
import { fmt, note } from './report.js';
import { wholeOption } from './options.js';
import { hasGnuTime, killRunningCommands, timedCommand } from './timed-command.js';
import { meterTree } from './tree-meter.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    files: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '11' },
    workers: { type: 'string', default: '2' },
    runs: { type: 'string', default: 'reference,cli,wizard' },
    'stall-seconds': { type: 'string', default: '300' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'ffmpeg-parallel': { type: 'string', default: String(availableParallelism()) },
  },
});

const FILES = wholeOption('files', values.files);
const SEED = wholeOption('seed', values.seed);
const WORKERS = wholeOption('workers', values.workers, 0);
const STALL_S = wholeOption('stall-seconds', values['stall-seconds']);
const FFMPEG_PARALLEL = wholeOption('ffmpeg-parallel', values['ffmpeg-parallel']);
const RUNS = new Set(values.runs.split(',').map((r) => r.trim()));
for (const r of RUNS) {
  if (!['reference', 'cli', 'wizard'].includes(r))
    throw new Error(`--runs takes reference, cli and wizard, not "${r}"`);
}

/** DIR, or /tmp/lib5000, or a library made once in the temp folder (labels.json comes last). */
async function libraryFolder(): Promise<string> {
  if (positionals[0]) return resolve(positionals[0]);
  const shared = `/tmp/lib${FILES}`;
  if (FILES === 5000 && existsSync(join(shared, 'labels.json'))) return shared;
  const dir = join(tmpdir(), `sm-bench-import-${FILES}-seed${SEED}`);
  if (existsSync(join(dir, 'labels.json'))) return dir;
  note(`making a ${FILES}-file library in ${dir} (seed ${SEED}; about 10 s per 100 files)…`);
  const args = ['tsx', 'fixtures/make-library.ts', '--files', String(FILES), '--out', dir];
  const made = await timedCommand('npx', [...args, '--seed', String(SEED)], { cwd: ROOT });
  if (made.code !== 0 || !existsSync(join(dir, 'labels.json'))) {
    throw new Error(
      `fixtures/make-library.ts failed (exit ${made.code}): ${made.stderr.slice(-2000)}`,
    );
  }
  return dir;
}

const tempDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

let cleaning: Promise<void> | null = null;
const cleanUp = () =>
  (cleaning ??= (async () => {
    killRunningCommands();
    await closeBrowsers();
    await closeImportServers();
    await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
  })());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}
process.once('exit', () => {
  // Last resort when something skipped the clean-up: no server or command outlives the bench.
  killRunningCommands();
  killImportServers();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Server figures over one import (CPU, peak RSS, the error-log lines it added, whether it is
 * still running), and this process's own CPU meanwhile: it shares the machine with the import.
 */
async function serverWatch(server: ImportServer) {
  const meter = meterTree(server.process.pid);
  const cpuBefore = await server.process.cpuSeconds();
  const logBefore = server.process.errorLog().length;
  const benchBefore = process.cpuUsage();
  const startedAt = performance.now();
  const batchesBefore = server.batchEvents.length;
  const probe = server.probe();
  return async () => {
    const answers = await probe.stop();
    meter.stop();
    const cpuAfter = await server.process.cpuSeconds();
    const bench = process.cpuUsage(benchBefore);
    return {
      responsiveness: responsiveness(answers, server.batchEvents.slice(batchesBefore), startedAt),
      cpuS: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
      peakRssBytes: meter.peakRssBytes(),
      log: server.process.errorLog().slice(logBefore),
      exit: server.process.exitStatus(),
      benchCpuS: (bench.user + bench.system) / 1e6,
    };
  };
}

const STALL_MS = 2000;

/** The probe's answers in figures, with the stalls beside the manifest batches answered. */
function responsiveness(
  answers: ProbeAnswer[],
  batches: BatchEvent[],
  startedAt: number,
): Measured['server']['responsiveness'] {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? null;
  return {
    probes: answers.length,
    failed: answers.filter((a) => !a.ok).length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: ms.at(-1) ?? null,
    stalls: answers
      .filter((a) => a.ms > STALL_MS)
      .map((a) => ({
        atS: (a.at - startedAt) / 1000,
        ms: a.ms,
        // A manifest batch answered while the probe waited, or within a second after it.
        batchFiles: batches.find((b) => b.at >= a.at && b.at <= a.at + a.ms + 1000)?.files ?? null,
      })),
    batchesS: batches.map((b) => (b.at - startedAt) / 1000),
    startedAt,
  };
}

async function libraryOf(
  server: ImportServer,
): Promise<{ items: LibraryItem[]; problem: string | null }> {
  try {
    return { items: await server.library(), problem: null };
  } catch (error) {
    return { items: [], problem: `library.list failed: ${(error as Error).message}` };
  }
}

async function cliRuns(dir: string, expected: ReturnType<typeof expectedOf>): Promise<Measured[]> {
  const server = await startImportServer();
  const runs: Measured[] = [];
  try {
    const firstState = await tempDir('sm-bench-import-state-');
    const plan = [
      { label: 'CLI import', state: firstState, first: true },
      { label: 'CLI again, same state dir', state: firstState, first: false },
      {
        label: 'CLI again, fresh state dir',
        state: await tempDir('sm-bench-import-state-'),
        first: false,
      },
    ];
    for (const step of plan) {
      note(`${step.label}…`);
      const stop = await serverWatch(server);
      const r = await cliImport({
        dir,
        serverUrl: server.url,
        token: server.token,
        stateDir: step.state,
        stallS: STALL_S,
      });
      const serverFigures = await stop();
      const library = await libraryOf(server);
      const updates = r.final ? server.filesOf(r.final.job_id) : new Map();
      note(`  ${fmt(r.wallMs / 1000, 1)} s, exit ${r.code}; library ${library.items.length}`);
      const crashes: string[] = [];
      if (r.code >= 2 || r.code < 0) crashes.push(`sm-import exited with ${r.code}`);
      if (r.signal) crashes.push(`sm-import ended by ${r.signal}`);
      if (r.stalled) crashes.push(`stall: ${r.stalled}`);
      runs.push({
        label: step.label,
        kind: 'cli',
        first: step.first,
        load: r.load,
        wallMs: r.wallMs,
        found: r.found,
        analysed: r.analysed,
        clientCpuS: r.cpuS,
        mainThreadCpuS: r.mainThreadCpuS,
        uploadCpuS: null,
        clientPeakRssBytes: r.peakTreeRssBytes ?? r.maxRssBytes,
        clientPeakPssBytes: null,
        rssAtQuarters: r.rssAtQuarters,
        heapAtQuarters: null,
        outcomes: r.outcomes,
        uploads: r.uploads,
        uploadBytes: r.uploadBytes,
        uploadWallMs: r.uploadWallMs,
        uploadTimes: r.uploadTimes,
        job: r.final,
        jobProblem: r.finalProblem,
        summary: null,
        failedShown: null,
        library: library.items.length,
        libraryProblem: library.problem,
        score: scoreImport(expected, r.outcomes, updates, library.items),
        server: serverFigures,
        crashes,
        remarks: [
          `exit code ${r.code}${r.code === 1 ? ' (some files failed)' : ''}`,
          ...r.notes.map((n) => `note: ${n}`),
          ...r.garbage.map((g) => `not JSON on stdout: ${g}`),
          ...(r.stderr ? [`stderr: ${r.stderr.slice(-1500)}`] : []),
        ],
        command: r.command,
      });
    }
  } finally {
    await server.close();
  }
  return runs;
}

async function wizardRuns(
  dir: string,
  expected: ReturnType<typeof expectedOf>,
  workers: number | null,
  again: boolean,
): Promise<{ runs: Measured[]; chromium: string | null }> {
  const server = await startImportServer();
  const runs: Measured[] = [];
  const name = workers === null ? 'default workers' : `sm-import:workers=${workers}`;
  try {
    note(`wizard (${name})${again ? ', then again' : ''}…`);
    const load = loadavg()[0]!;
    let stop = await serverWatch(server);
    const perPass: {
      server: Awaited<ReturnType<typeof stop>>;
      library: Awaited<ReturnType<typeof libraryOf>>;
      load: number;
    }[] = [];
    const result = await wizardImport({
      serverUrl: server.url,
      token: server.token,
      rest: server.rest,
      dir,
      workers,
      stallS: STALL_S,
      executablePath: values.chromium,
      again,
      afterPass: async () => {
        perPass.push({
          server: await stop(),
          library: await libraryOf(server),
          load: loadavg()[0]!,
        });
        note(`  pass ${perPass.length}: library ${perPass.at(-1)!.library.items.length}`);
        stop = await serverWatch(server);
      },
    });
    const tail = await stop();
    const run = result.run;
    const workersUsed = run?.workers ?? workers ?? '?';
    const crashesOfRun: string[] = [];
    if (result.crashed) crashesOfRun.push('the page crashed');
    for (const e of result.uncaughtErrors) crashesOfRun.push(`pageerror: ${e.slice(0, 300)}`);
    if (result.error) crashesOfRun.push(`stopped: ${result.error}`);
    const consoleErrors = (run?.pageErrors ?? []).filter((e) => !result.uncaughtErrors.includes(e));
    result.passes.forEach((pass, i) => {
      const figures = perPass[i] ?? {
        server: tail,
        library: { items: [], problem: 'not read' },
        load,
      };
      runs.push({
        label:
          i === 0
            ? `wizard, ${workersUsed} worker${workersUsed === 1 ? '' : 's'} (${name})`
            : 'wizard again (new import)',
        kind: 'wizard',
        first: i === 0,
        load: i === 0 ? load : (perPass[i - 1]?.load ?? load),
        wallMs: pass.wallMs,
        found: pass.files,
        analysed: pass.outcomes.filter((o) => o.stageMs).length,
        clientCpuS: pass.cpuS,
        mainThreadCpuS: null,
        uploadCpuS: pass.uploadCpuS,
        clientPeakRssBytes: pass.peakRssBytes,
        clientPeakPssBytes: pass.peakPssBytes,
        rssAtQuarters: i === 0 && run ? run.rssAtQuarters : [],
        heapAtQuarters: i === 0 && run ? run.heapAtQuarters : null,
        outcomes: pass.outcomes,
        uploads: pass.tusCreations,
        uploadBytes: pass.uploadBytes,
        uploadWallMs: pass.transferMs,
        uploadTimes: pass.uploadTimes,
        job: pass.job,
        jobProblem: pass.jobProblem,
        summary: pass.summary,
        failedShown: pass.failedRows,
        library: figures.library.items.length,
        libraryProblem: figures.library.problem,
        score: scoreImport(
          expected,
          pass.outcomes,
          pass.jobId ? server.filesOf(pass.jobId) : new Map(),
          figures.library.items,
        ),
        server: figures.server,
        crashes: i === result.passes.length - 1 ? crashesOfRun : [],
        remarks: [
          `pick ${fmt(pass.pickMs / 1000, 1)} s, analysis and duplicate check ${fmt(pass.analyseMs / 1000, 1)} s, ` +
            `upload step ${fmt(pass.uploadMs / 1000, 1)} s (manifest before the first upload ` +
            `${pass.manifestMs === null ? '-' : fmt(pass.manifestMs / 1000, 1)} s), ` +
            `bench's own steps ${fmt(pass.benchMs / 1000, 1)} s; ` +
            `${pass.duplicateGroups} duplicate groups shown`,
          ...(pass.notice ? [`notice: ${pass.notice}`] : []),
          ...(i === result.passes.length - 1
            ? consoleErrors.slice(0, 10).map((e) => `console error: ${e.slice(0, 300)}`)
            : []),
        ],
        command: `headless Chromium ${run?.chromium ?? ''} on ${server.url}/import, folder ${dir}`,
      });
    });
    if (result.passes.length === 0) {
      runs.push(failedWizard(`wizard (${name})`, load, crashesOfRun, tail));
    } else if (again && result.passes.length === 1) {
      runs.push(failedWizard('wizard again (new import)', load, crashesOfRun, tail));
    }
    return { runs, chromium: run?.chromium ?? null };
  } finally {
    await server.close();
  }
}

/** A row for a wizard import that did not reach its summary. */
function failedWizard(
  label: string,
  load: number,
  crashes: string[],
  server: Measured['server'],
): Measured {
  return {
    label,
    kind: 'wizard',
    first: !label.includes('again'),
    load,
    wallMs: Number.NaN,
    found: 0,
    analysed: 0,
    clientCpuS: null,
    mainThreadCpuS: null,
    uploadCpuS: null,
    clientPeakRssBytes: null,
    clientPeakPssBytes: null,
    rssAtQuarters: [],
    heapAtQuarters: null,
    outcomes: [],
    uploads: 0,
    uploadBytes: 0,
    uploadWallMs: null,
    uploadTimes: null,
    job: null,
    jobProblem: 'did not reach the summary',
    summary: null,
    failedShown: null,
    library: 0,
    libraryProblem: 'not read',
    score: null,
    server,
    crashes,
    remarks: [],
    command: '',
  };
}

async function reference(dir: string): Promise<Reference> {
  const files = await audioFilesIn(dir);
  note(`ffmpeg decoding ${files.length} files, ${FFMPEG_PARALLEL} at a time…`);
  const load = loadavg()[0]!;
  const decoded = await ffmpegDecodeAll(files, FFMPEG_PARALLEL);
  note(`  ${fmt(decoded.wallMs / 1000, 1)} s`);
  return { ...decoded, load, parallel: FFMPEG_PARALLEL, startMs: await ffmpegStartMs() };
}

console.log('Import end to end: CLI and wizard into fresh servers, beside native ffmpeg decoding');
try {
  const dir = await libraryFolder();
  const labelsPath = join(dir, 'labels.json');
  if (!existsSync(labelsPath))
    throw new Error(`${dir} has no labels.json: the bench needs the labels`);
  const labels = await readLabels(labelsPath);
  const expected = expectedOf(dir, labels);
  const started = new Date();
  const ref = RUNS.has('reference') ? await reference(dir) : null;
  const cli = RUNS.has('cli') ? await cliRuns(dir, expected) : [];
  const wizard = RUNS.has('wizard')
    ? await wizardRuns(dir, expected, null, true)
    : { runs: [], chromium: null };
  const more =
    RUNS.has('wizard') && WORKERS > 0
      ? await wizardRuns(dir, expected, WORKERS, false)
      : { runs: [] };
  printReport({
    dir,
    labels,
    expected,
    requestedFiles: positionals[0] ? null : FILES,
    started,
    chromium: wizard.chromium,
    hasGnuTime,
    reference: ref,
    runs: [...cli, ...wizard.runs, ...more.runs],
  });
} catch (error) {
  process.exitCode = 1;
  console.error(`\nbench:import failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanUp();
}
