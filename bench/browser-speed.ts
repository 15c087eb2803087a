/**
 * `npm run bench:browser`: the web app's analysis of a folder in headless Chromium, beside the
 * CLI's analysis of the same folder and native ffmpeg decoding of its audio, in the same run.
 * The browser runs twice: with the app's own number of analysis workers (one per core less
 * one) and with localStorage `sm-import:workers` set to --workers. For each browser run:
 * files/hour, long main-thread tasks while files flow (the goal is none over 50 ms), the page's
 * JS heap at each quarter of the files, and the peak RSS of the Chromium processes.
 * Prints figures only; timings are never asserted.
 * Usage: node dist/bench/browser-speed.js [DIR] — without DIR, a library of --count files
 * (1000) made by fixtures/make-library.ts with --seed (7) in the temp folder, made once and
 * reused. Options: --workers N (2), --stall-seconds S (120: a run with no file finished for
 * that long fails), --chromium PATH (/usr/bin/chromium).
 */
import { existsSync, rmSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../testing/paths.js';
import { createServerData, type ServerData } from '../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { browserRun, closeBrowsers, type BrowserRunResult } from './browser-run.js';
import { audioFilesIn, ffmpegDecodeAll, ffmpegStartMs } from './ffmpeg-reference.js';
import { fmt, machine, MiB, note, table } from './report.js';
import { wholeOption } from './options.js';
import { hasGnuTime, killRunningCommands, timedCommand } from './timed-command.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
    workers: { type: 'string', default: '2' },
    'stall-seconds': { type: 'string', default: '120' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

const COUNT = wholeOption('count', values.count);
const SEED = wholeOption('seed', values.seed);
const WORKERS = wholeOption('workers', values.workers);
const STALL_S = wholeOption('stall-seconds', values['stall-seconds']);

/** The library to analyse: DIR, or the generated one (made once: labels.json is written last). */
async function libraryFolder(): Promise<string> {
  if (positionals[0]) return resolve(positionals[0]);
  const name = `sm-bench-browser-${COUNT}${SEED === 7 ? '' : `-seed${SEED}`}`;
  const dir = join(tmpdir(), name);
  if (existsSync(join(dir, 'labels.json'))) return dir;
  note(`making a ${COUNT}-file library in ${dir} (seed ${SEED}; about 1-2 minutes)…`);
  const made = await timedCommand(
    'npx',
    [
      'tsx',
      'fixtures/make-library.ts',
      '--count',
      String(COUNT),
      '--out',
      dir,
      '--seed',
      String(SEED),
    ],
    { cwd: ROOT },
  );
  if (made.code !== 0 || !existsSync(join(dir, 'labels.json'))) {
    throw new Error(
      `fixtures/make-library.ts failed (exit ${made.code}): ${made.stderr.slice(-2000)}`,
    );
  }
  return dir;
}

interface Row {
  label: string;
  files: number;
  wallMs: number;
  cpuS: number | null;
  rssBytes: number | null;
  load: number;
}

async function cliRun(dir: string): Promise<Row & { counts: string }> {
  const load = loadavg()[0]!;
  const r = await timedCommand(
    process.execPath,
    [join(ROOT, 'bin', 'sm-import.js'), 'analyze', dir, '--json'],
    { captureStdout: true },
  );
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  // Exit code 1 means some files could not be analysed; no lines at all means it failed.
  if (lines.length === 0 || r.code > 1) {
    throw new Error(`sm-import analyze exited with ${r.code}: ${r.stderr.slice(-2000)}`);
  }
  const statuses = new Map<string, number>();
  for (const line of lines) {
    const status = (JSON.parse(line) as { status?: string }).status ?? '?';
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  return {
    label: `CLI analyze --json (${availableParallelism()} threads)`,
    files: lines.length,
    wallMs: r.wallMs,
    cpuS: r.cpuS,
    rssBytes: r.maxRssBytes,
    load,
    counts: [...statuses].map(([s, n]) => `${n} ${s}`).join(', '),
  };
}

async function ffmpegRun(files: string[], parallel: number): Promise<Row & { failed: number }> {
  const load = loadavg()[0]!;
  const r = await ffmpegDecodeAll(files, parallel);
  return {
    label: `ffmpeg -f null, ${parallel} at a time`,
    files: r.files,
    wallMs: r.wallMs,
    cpuS: r.cpuS,
    rssBytes: r.maxRssBytes,
    load,
    failed: r.failed,
  };
}

/** MiB in each quarter of the folder's files, in the order the app and the CLI take them. */
async function quarterSizes(dir: string): Promise<number[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size));
  const quarter = Math.round(files.length / 4);
  return [0, 1, 2, 3].map(
    (q) =>
      sizes.slice(q * quarter, q === 3 ? undefined : (q + 1) * quarter).reduce((a, b) => a + b, 0) /
      MiB,
  );
}

// ---------------------------------------------------------------------------------------------

let db: ServerData | null = null;
let server: ServerProcess | null = null;
let cleaning: Promise<void> | null = null;
const cleanUp = () =>
  (cleaning ??= (async () => {
    killRunningCommands();
    await closeBrowsers();
    await server?.stop().catch((e: unknown) => console.error(`stopping the server: ${String(e)}`));
    await db?.dispose().catch((e: unknown) => console.error(`removing the data: ${String(e)}`));
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
  if (server && server.exitStatus() === null) process.kill(server.pid, 'SIGKILL');
  if (db?.kind === 'pglite') rmSync(db.dataDir, { recursive: true, force: true });
});

console.log('Web app analysis speed (headless Chromium) beside the CLI and native ffmpeg');
console.log(machine());
console.log(`date: ${new Date().toISOString()}`);
if (!hasGnuTime) console.log('/usr/bin/time is missing: CPU and RSS of the CLI and ffmpeg unknown');

try {
  const dir = await libraryFolder();
  const audio = await audioFilesIn(dir);
  console.log(`folder: ${dir} (${audio.length} files with an audio extension)`);

  note('CLI analysis…');
  const cli = await cliRun(dir);
  note(`  ${fmt(cli.wallMs / 1000, 1)} s; ffmpeg decoding, one at a time…`);
  const ff1 = await ffmpegRun(audio, 1);
  note(`  ${fmt(ff1.wallMs / 1000, 1)} s; ffmpeg decoding, two at a time…`);
  const ff2 = await ffmpegRun(audio, 2);
  note(`  ${fmt(ff2.wallMs / 1000, 1)} s`);
  const startMs = await ffmpegStartMs();

  db = await createServerData({ label: 'bench' });
  server = await startServerProcess({ data: db, users: ['bench'] });
  const token = server.tokens.bench!;
  const browserRows: { row: Row; run: BrowserRunResult; setting: string }[] = [];
  for (const workers of [null, WORKERS]) {
    const setting = workers === null ? 'default' : `sm-import:workers=${workers}`;
    note(`browser (${setting})…`);
    const load = loadavg()[0]!;
    const serverCpu = await server.cpuSeconds();
    const run = await browserRun({
      serverUrl: server.url,
      token,
      dir,
      workers,
      stallS: STALL_S,
      executablePath: values.chromium,
    });
    const serverCpuAfter = await server.cpuSeconds();
    note(
      `  ${fmt(run.wallMs / 1000, 1)} s to analyse, ${fmt(run.untilDuplicatesMs / 1000, 1)} s to the duplicates step; ` +
        `server CPU ${serverCpu === null || serverCpuAfter === null ? '-' : fmt(serverCpuAfter - serverCpu, 1)} s`,
    );
    browserRows.push({
      setting,
      run,
      row: {
        label: `browser, ${run.workers} worker${run.workers === 1 ? '' : 's'} (${setting})`,
        files: run.files,
        wallMs: run.wallMs,
        cpuS: run.cpuS,
        rssBytes: run.peakRssBytes,
        load,
      },
    });
  }

  console.log(`Chromium ${browserRows[0]?.run.chromium ?? '?'}; server ${server.url} on PGlite`);
  console.log(`CLI results: ${cli.counts}`);
  console.log(
    `ffmpeg failures (files it cannot decode): ${ff1.failed} of ${ff1.files} one at a time, ` +
      `${ff2.failed} two at a time; ffmpeg starting on no input takes ${fmt(startMs)} ms ` +
      `(median of 15), ${fmt(((startMs * ff1.files) / ff1.wallMs) * 100)}% of the one-at-a-time wall time`,
  );
  const busy = [cli, ff1, ff2, ...browserRows.map((b) => b.row)].filter(
    (r) => r.load > availableParallelism(),
  );
  if (busy.length > 0) {
    console.log(
      `the machine was busy: 1-minute load above ${availableParallelism()} (its cores) when ` +
        `${busy.length} of the runs began; their figures include waiting for the CPU`,
    );
  }

  console.log('\nThroughput (browser wall: click on "start analysis" to every file analysed)');
  const perFile = (r: Row) => r.wallMs / r.files;
  const ratio = (r: Row, to: Row) => `${fmt(perFile(r) / perFile(to), 2)}×`;
  table(
    [
      'run',
      'files',
      'wall s',
      'files/h',
      'CPU s/file',
      'peak RSS MB',
      '÷ CLI',
      '÷ ffmpeg×1',
      '÷ ffmpeg×2',
      'load',
    ],
    [cli, ...browserRows.map((b) => b.row), ff1, ff2].map((r) => [
      r.label,
      fmt(r.files),
      fmt(r.wallMs / 1000, 1),
      fmt((r.files / r.wallMs) * 3_600_000),
      r.cpuS === null ? '-' : fmt(r.cpuS / r.files, 3),
      r.rssBytes === null ? '-' : fmt(r.rssBytes / MiB),
      ratio(r, cli),
      ratio(r, ff1),
      ratio(r, ff2),
      fmt(r.load, 2),
    ]),
  );
  console.log(
    '  ratios are time per file; CPU of the browser is its whole process tree (page, workers, ' +
      'GPU, network); RSS of the browser sums every Chromium process; load = 1-minute load ' +
      'average when the run began',
  );

  console.log(
    '\nMain thread (tasks over 50 ms; "flowing": first file analysed to the last progress ' +
      'figure before all; the "dup check" column starts there and ends at the duplicates step)',
  );
  table(
    [
      'run',
      'first file s',
      'longest gap s',
      'files/s Q1',
      'files/s Q4',
      'tasks before',
      'tasks flowing',
      'longest flowing ms',
      'dup check s',
      'tasks in check',
      'longest in check ms',
    ],
    browserRows.map(({ row, run }) => [
      row.label,
      fmt(run.firstFileMs / 1000, 1),
      fmt(run.longestGapMs / 1000, 1),
      fmt(run.quarterRates[0], 1),
      fmt(run.quarterRates[1], 1),
      fmt(run.longTasks.beforeFirst.count),
      fmt(run.longTasks.flowing.count),
      fmt(run.longTasks.flowing.longestMs),
      fmt((run.untilDuplicatesMs - run.wallMs) / 1000, 1),
      fmt(run.longTasks.duplicateCheck.count),
      fmt(run.longTasks.duplicateCheck.longestMs),
    ]),
  );
  const quarters = await quarterSizes(dir);
  console.log(
    `  the quarters of the folder (name order, as analysed) hold ${quarters.map((q) => fmt(q, 1)).join(', ')} MiB`,
  );
  for (const { row, run } of browserRows) {
    if (run.topTasks.length === 0) continue;
    console.log(
      `  longest tasks after the click, ${row.label} (with the longest script of the frame):`,
    );
    for (const t of run.topTasks) {
      console.log(`    at ${fmt(t.atS, 1)} s, ${t.phase}: ${fmt(t.durationMs)} ms — ${t.cause}`);
    }
  }
  if (browserRows.some((b) => !b.run.framesSupported)) {
    console.log('  (this Chromium gives no long-animation-frame entries: no script attribution)');
  }

  console.log('\nMemory (page JS heap from CDP Performance.getMetrics; files done in %)');
  table(
    [
      'run',
      'heap 25%',
      '50%',
      '75%',
      '100% MB',
      'after GC: before',
      'end MB',
      'kept KB/file',
      'Chromium peak RSS MB',
      'peak PSS MB',
    ],
    browserRows.map(({ row, run }) => [
      row.label,
      ...[0, 1, 2, 3].map((q) => fmt((run.heapAtQuarters[q] ?? Number.NaN) / MiB, 1)),
      fmt(run.heapAfterGc.before / MiB, 1),
      fmt(run.heapAfterGc.after / MiB, 1),
      fmt((run.heapAfterGc.after - run.heapAfterGc.before) / 1024 / run.files, 1),
      run.peakRssBytes === null ? '-' : fmt(run.peakRssBytes / MiB),
      run.peakPssBytes === null ? '-' : fmt(run.peakPssBytes / MiB),
    ]),
  );
  console.log(
    '  quarters as sampled (garbage included); "after GC" forces a collection before the click ' +
      "and at the duplicates step; the workers' heaps are not in it, only in the RSS. RSS sums " +
      'VmRSS over the Chromium processes (a shared page counts in each); PSS shares it out',
  );

  const [plain, overridden] = browserRows;
  if (plain && overridden) {
    console.log(
      overridden.run.workers === plain.run.workers
        ? `\nThe ${overridden.setting} override had no effect: both runs used ${plain.run.workers} analysis worker(s).`
        : `\n${overridden.setting}: ${overridden.run.workers} analysis workers instead of ${plain.run.workers}.`,
    );
  }
  for (const { row, run } of browserRows) {
    if (run.pageErrors.length === 0) continue;
    console.log(`page errors, ${row.label}: ${run.pageErrors.length}`);
    for (const e of run.pageErrors.slice(0, 5)) console.log(`  ${e.slice(0, 300)}`);
  }
  const errors = server.errorLog().filter((l) => l.trim() !== '');
  console.log(`server error log: ${errors.length === 0 ? 'empty' : `${errors.length} lines`}`);
  for (const line of errors.slice(0, 10)) console.log(`  ${line}`);
} catch (error) {
  process.exitCode = 1;
  console.error(`\nbench:browser failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanUp();
}
