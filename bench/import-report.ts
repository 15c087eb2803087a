/** What `npm run bench:import` prints: tables in the house style, then the details. */
import { availableParallelism } from 'node:os';
import type { StageTimes } from '../shared/files/index.js';
import type { JobStatusResponse } from '../shared/schemas/index.js';
import type { DecodeAllResult } from './ffmpeg-reference.js';
import type {
  Expected,
  FileOutcome,
  ImportScore,
  PathReason,
  UploadTime,
} from './import-outcome.js';
import type { FixtureLabel } from './labels.js';
import { BATCH_EVENT_FILES } from './import-server.js';
import { fmt, machine, MiB, table } from './report.js';

/** One import as measured, CLI or wizard. */
export interface Measured {
  label: string;
  kind: 'cli' | 'wizard';
  /** The first import into a fresh server (the others import the same folder again). */
  first: boolean;
  load: number;
  wallMs: number;
  /** Files the importer found, and analysed in this run. */
  found: number;
  analysed: number;
  /** CLI: its process (GNU time). Wizard: Chromium's processes, click to summary. */
  clientCpuS: number | null;
  /** CLI only: its main thread (scan, manifest, uploads, events). */
  mainThreadCpuS: number | null;
  /** Wizard only: Chromium CPU from the click on "start upload" to the summary. */
  uploadCpuS: number | null;
  clientPeakRssBytes: number | null;
  clientPeakPssBytes: number | null;
  rssAtQuarters: (number | null)[];
  heapAtQuarters: number[] | null;
  outcomes: FileOutcome[];
  /** CLI: `uploading` events. Wizard: tus creations (POST /api/v1/uploads). */
  uploads: number;
  uploadBytes: number;
  uploadWallMs: number | null;
  uploadTimes: UploadTime[] | null;
  job: JobStatusResponse | null;
  jobProblem: string | null;
  summary: { imported: number; duplicates: number; skipped: number; failed: number } | null;
  failedShown: PathReason[] | null;
  library: number;
  libraryProblem: string | null;
  score: ImportScore | null;
  server: {
    cpuS: number | null;
    peakRssBytes: number | null;
    log: string[];
    exit: string | null;
    /** This benchmark's own CPU seconds over the run (it shares the cores). */
    benchCpuS: number;
    /** A small request once a second during the run: how long the server took to answer. */
    responsiveness: {
      probes: number;
      failed: number;
      p50Ms: number | null;
      p99Ms: number | null;
      maxMs: number | null;
      /** Answers slower than 2 s: when (s into the run), how long, and the files of a
       *  manifest batch answered meanwhile (null: none). */
      stalls: { atS: number; ms: number; batchFiles: number | null }[];
      /** When manifest batches were answered (s into the run). */
      batchesS: number[];
      /** performance.now() when the run began. */
      startedAt: number;
    };
  };
  crashes: string[];
  remarks: string[];
  command: string;
}

export interface Reference extends DecodeAllResult {
  load: number;
  parallel: number;
  /** Median wall ms of ffmpeg starting on no input. */
  startMs: number;
}

export interface ReportInput {
  dir: string;
  labels: FixtureLabel[];
  expected: Expected;
  /** --files when the library was not given: the size asked for. */
  requestedFiles: number | null;
  started: Date;
  chromium: string | null;
  hasGnuTime: boolean;
  /** Null when the run left the ffmpeg reference out (--runs). */
  reference: Reference | null;
  runs: Measured[];
}

const CLI_TARGET_S = 300;
const TARGET_FILES = 5000;
const WIZARD_FACTOR = 1.5;
const STAGES: (keyof StageTimes)[] = ['read', 'hash', 'decode', 'analyse', 'fingerprint'];

const s = (ms: number | null | undefined, digits = 1) =>
  ms === null || ms === undefined ? '-' : fmt(ms / 1000, digits);
const mb = (bytes: number | null | undefined, digits = 0) =>
  bytes === null || bytes === undefined ? '-' : fmt(bytes / MiB, digits);
const perHour = (files: number, ms: number) => fmt((files / ms) * 3_600_000);

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sum of each stage over the files analysed in the run, in ms, and how many they are. */
function stageSums(outcomes: FileOutcome[]): { n: number; ms: StageTimes } {
  const ms: StageTimes = { read: 0, hash: 0, decode: 0, analyse: 0, fingerprint: 0 };
  let n = 0;
  for (const o of outcomes) {
    if (!o.stageMs) continue;
    n++;
    for (const k of STAGES) ms[k] += o.stageMs[k];
  }
  return { n, ms };
}

function serverErrors(log: string[]): string[] {
  return log.filter((l) => /error|exception|unhandled|fatal|panic/i.test(l));
}

function printHeader(input: ReportInput): void {
  const { expected, labels } = input;
  console.log(machine());
  console.log(`date: ${input.started.toISOString()}`);
  if (!input.hasGnuTime)
    console.log('/usr/bin/time is missing: CPU and RSS of the CLI and ffmpeg unknown');
  const bad = labels.filter((l) => l.expect_status === 'error').length;
  const notAudio = labels.filter((l) => l.expect_status === 'skipped').length;
  console.log(
    `library: ${input.dir}: ${fmt(labels.length)} labelled files (+ labels.json) — ${fmt(expected.ok)} audio ` +
      `files of ${fmt(expected.sounds)} distinct sounds (so ${fmt(expected.ok - expected.sounds)} duplicates), ` +
      `${bad} bad files (must fail), ${notAudio} not audio (must be skipped, as must labels.json)`,
  );
  if (input.requestedFiles !== null && input.requestedFiles !== labels.length) {
    console.log(
      `  NOTE: --files ${input.requestedFiles} was asked for, but this library holds ${labels.length} labelled files`,
    );
  }
  console.log(
    `servers: sm-server start on the embedded defaults (fresh DATA_DIR with PGlite, port 0) for each first import; ` +
      `Chromium ${input.chromium ?? '?'} (headless)`,
  );
}

function printThroughput(runs: Measured[], ref: Reference | null): void {
  console.log(
    '\nThroughput (wall: CLI process start to exit; wizard: folder set on the input to the summary)',
  );
  table(
    [
      'run',
      'files',
      'wall s',
      'files/h',
      'client CPU s/file',
      'server CPU s/file',
      'uploads',
      'MB up',
      'bench CPU s',
      'load',
    ],
    [
      ...runs.map((r) => [
        r.label,
        fmt(r.found),
        s(r.wallMs),
        r.found > 0 ? perHour(r.found, r.wallMs) : '-',
        r.clientCpuS === null || r.found === 0 ? '-' : fmt(r.clientCpuS / r.found, 4),
        r.server.cpuS === null || r.found === 0 ? '-' : fmt(r.server.cpuS / r.found, 4),
        fmt(r.uploads),
        mb(r.uploadBytes, 1),
        fmt(r.server.benchCpuS, 1),
        fmt(r.load, 2),
      ]),
      ...(ref
        ? [
            [
              `ffmpeg decode -f null, ${ref.parallel} at a time`,
              fmt(ref.files),
              s(ref.wallMs),
              perHour(ref.files, ref.wallMs),
              ref.cpuS === null ? '-' : fmt(ref.cpuS / ref.files, 4),
              '-',
              '-',
              '-',
              '-',
              fmt(ref.load, 2),
            ],
          ]
        : []),
    ],
  );
  console.log(
    '  uploads: CLI `uploading` events, wizard tus creations (POST /api/v1/uploads); client CPU: the CLI ' +
      "process (GNU time), or every Chromium process from the click on 'start analysis' to the summary; " +
      "bench CPU: this benchmark's own process meanwhile (event parsing, /proc readings, the live " +
      'feed, Playwright), on the same cores; load: 1-minute load average when the run began',
  );
  if (!ref) {
    console.log('  ffmpeg: not run (--runs)');
    return;
  }
  const startShare = (ref.startMs * ref.files) / ref.parallel / ref.wallMs;
  console.log(
    `  ffmpeg: ${ref.failed} of ${fmt(ref.files)} files it cannot decode; starting ffmpeg on no input takes ` +
      `${fmt(ref.startMs)} ms (median of 15): ${fmt(startShare * 100)}% of its wall time is process start-up, ` +
      `so decoding proper is about ${s(ref.wallMs * (1 - startShare))} s`,
  );
}

function printTargets(runs: Measured[]): void {
  const cli = runs.find((r) => r.kind === 'cli' && r.first);
  const wizards = runs.filter((r) => r.kind === 'wizard' && r.first);
  console.log('\nTargets (2-core machine)');
  if (cli && cli.found > 0) {
    const projected = (cli.wallMs / cli.found) * TARGET_FILES;
    const scale =
      cli.found === TARGET_FILES
        ? ''
        : ` (${fmt(cli.found)} files; at this rate ${fmt(TARGET_FILES)} files take ${s(projected)} s)`;
    const basis = cli.found === TARGET_FILES ? cli.wallMs : projected;
    console.log(
      `  CLI, ${fmt(TARGET_FILES)} files under ${CLI_TARGET_S} s: ${s(cli.wallMs)} s${scale} — ` +
        `${basis < CLI_TARGET_S * 1000 ? 'met' : 'NOT met'}`,
    );
  }
  for (const w of wizards) {
    if (!cli || !Number.isFinite(w.wallMs)) {
      console.log(`  ${w.label}: no time (it did not finish)`);
      continue;
    }
    const ratio = w.wallMs / cli.wallMs;
    console.log(
      `  ${w.label} within ${WIZARD_FACTOR}× the CLI: ${s(w.wallMs)} s = ${fmt(ratio, 2)}× — ` +
        `${ratio <= WIZARD_FACTOR ? 'met' : 'NOT met'}`,
    );
  }
  const crashes = runs.reduce(
    (n, r) => n + r.crashes.length + serverErrors(r.server.log).length,
    0,
  );
  const dead = runs.filter((r) => r.server.exit !== null).length;
  console.log(`  crashes: ${crashes + dead} (see "Crashes" below)`);
  for (const r of runs.filter((x) => !x.first)) {
    const stored = r.score?.states.get('done') ?? 0;
    const before = runs.find((x) => x.kind === r.kind && x.first)?.library ?? null;
    const nothing = r.uploads === 0 && stored === 0 && before === r.library;
    console.log(
      `  ${r.label}: ${r.uploads} uploads started, ${stored} files imported, library ${fmt(before)} → ` +
        `${fmt(r.library)} — ${nothing ? 'nothing uploaded again' : 'NOT "nothing again": see the details'}`,
    );
  }
}

function printStages(runs: Measured[]): void {
  console.log(
    '\nCPU by stage, seconds per file analysed (stages: ms of the analysing thread, summed over files)',
  );
  const rows = runs
    .filter((r) => r.analysed > 0)
    .map((r) => {
      const { n, ms } = stageSums(r.outcomes);
      const stages = STAGES.reduce((sum, k) => sum + ms[k], 0) / 1000;
      const per = (v: number | null) => (v === null || n === 0 ? '-' : fmt(v / n, 4));
      const others =
        r.clientCpuS === null || r.mainThreadCpuS === null ? null : r.clientCpuS - r.mainThreadCpuS;
      return [
        r.label,
        fmt(n),
        ...STAGES.map((k) => per(ms[k] / 1000)),
        per(stages),
        per(r.mainThreadCpuS),
        per(others),
        per(r.clientCpuS),
        per(r.server.cpuS),
      ];
    });
  table(
    [
      'run',
      'files',
      'read',
      'hash',
      'decode',
      'analyse',
      'fingerprint',
      'Σ stages',
      'main thread',
      'other threads',
      'client total',
      'server',
    ],
    rows,
  );
  console.log(
    '  stages are wall times of the analysing thread: its CPU when it has a core, more when it waits ' +
      'for one (load above the cores). CLI main thread: scan, manifest, tus uploads, events (read each ' +
      'second); other threads: the analysis workers, GC and libuv. Wizard client total: every Chromium ' +
      'process (page, workers, network, GPU) from the click on "start analysis" to the summary',
  );
  console.log('\nUpload');
  table(
    [
      'run',
      'files up',
      'MB',
      'upload wall s',
      'MB/s',
      'per file p50 s',
      'p95 s',
      'max s',
      'upload CPU s/file',
    ],
    runs
      .filter((r) => r.first)
      .map((r) => {
        const sorted = (r.uploadTimes ?? []).map((u) => u.ms).sort((a, b) => a - b);
        return [
          r.label,
          fmt(r.uploads),
          mb(r.uploadBytes, 1),
          s(r.uploadWallMs),
          r.uploadWallMs ? fmt(r.uploadBytes / MiB / (r.uploadWallMs / 1000), 1) : '-',
          s(percentile(sorted, 50), 2),
          s(percentile(sorted, 95), 2),
          s(sorted.at(-1) ?? null, 2),
          r.uploads === 0
            ? '-'
            : r.uploadCpuS !== null
              ? fmt(r.uploadCpuS / r.uploads, 4)
              : r.mainThreadCpuS !== null
                ? `≤ ${fmt(r.mainThreadCpuS / r.uploads, 4)}`
                : '-',
        ];
      }),
  );
  console.log(
    '  upload wall: the first upload begun to the last ended (CLI: `uploading` events, overlapping the ' +
      'analysis; wizard: tus creation to the answer of the last PATCH, all after the analysis); per file ' +
      'the same for each file. Upload CPU: wizard, Chromium CPU from the click on "start upload" to the ' +
      "summary ÷ files uploaded; CLI, at most its main thread's CPU ÷ files uploaded (that thread also " +
      'scans, sends the manifest and prints)',
  );
}

function printResponsiveness(runs: Measured[]): void {
  console.log(
    '\nServer answers during each run (tRPC `me`, which checks the token in the database, once a second)',
  );
  table(
    [
      'run',
      'probes',
      'failed',
      'p50 ms',
      'p99 ms',
      'max s',
      'over 2 s',
      'in them s',
      'with a batch',
      'batches',
    ],
    runs.map((r) => {
      const p = r.server.responsiveness;
      return [
        r.label,
        fmt(p.probes),
        fmt(p.failed),
        fmt(p.p50Ms),
        fmt(p.p99Ms),
        s(p.maxMs),
        fmt(p.stalls.length),
        s(p.stalls.reduce((sum, x) => sum + x.ms, 0)),
        fmt(p.stalls.filter((x) => x.batchFiles !== null).length),
        fmt(p.batchesS.length),
      ];
    }),
  );
  console.log(
    '  over 2 s: answers that took longer (the server, or its one PGlite connection, busy with something ' +
      'else); with a batch: of those, the ones during which the live feed carried a manifest batch ' +
      `answered (an update of ≥ ${BATCH_EVENT_FILES} files); batches: such updates in the run`,
  );
}

function printMemory(runs: Measured[]): void {
  console.log('\nMemory (client RSS at 25/50/75/100 % of the files analysed; MB)');
  table(
    [
      'run',
      'RSS 25%',
      '50%',
      '75%',
      '100%',
      '100%-25%',
      'peak RSS',
      'peak PSS',
      'heap 25%',
      '50%',
      '75%',
      '100%',
      'server peak RSS',
    ],
    runs.map((r) => {
      const q = r.rssAtQuarters;
      const growth = q[0] != null && q[3] != null ? mb(q[3] - q[0]) : '-';
      return [
        r.label,
        ...[0, 1, 2, 3].map((i) => mb(q[i] ?? null)),
        growth,
        mb(r.clientPeakRssBytes),
        mb(r.clientPeakPssBytes),
        ...[0, 1, 2, 3].map((i) => (r.heapAtQuarters ? mb(r.heapAtQuarters[i] ?? null, 1) : '-')),
        mb(r.server.peakRssBytes),
      ];
    }),
  );
  console.log(
    '  CLI: its process tree; wizard: every Chromium process summed (a shared page counts in each; PSS ' +
      "shares it out); heap: the page's JS heap as sampled (garbage included; the workers' are in the RSS only)",
  );
}

function printOutcomes(runs: Measured[], expected: Expected): void {
  console.log(
    `\nOutcome against the labels (expected: ${fmt(expected.sounds)} imported, ${fmt(expected.ok - expected.sounds)} duplicates, ` +
      `${expected.skipped.size} skipped, ${expected.errors.size} failed)`,
  );
  table(
    [
      'run',
      'found',
      'imported',
      'duplicates',
      'skipped',
      'failed',
      'earlier run',
      'unfinished',
      'job',
      'library',
      'sounds once',
      'missing',
      'twice',
      'dup pairs found',
      'false merges',
    ],
    runs.map((r) => {
      const sc = r.score;
      const st = sc?.states;
      const unfinished = st
        ? [...st]
            .filter(([k]) => !['done', 'duplicate', 'skipped', 'failed', 'earlier'].includes(k))
            .reduce((n, [, v]) => n + v, 0)
        : null;
      return [
        r.label,
        fmt(r.found),
        fmt(st?.get('done') ?? 0),
        fmt(st?.get('duplicate') ?? 0),
        fmt(st?.get('skipped') ?? 0),
        fmt(st?.get('failed') ?? 0),
        fmt(st?.get('earlier') ?? 0),
        fmt(unfinished),
        r.job?.status ?? '-',
        fmt(r.library),
        sc ? fmt(sc.library.once) : '-',
        sc ? fmt(sc.library.missing.length) : '-',
        sc ? fmt(sc.library.twice.length) : '-',
        sc ? `${fmt(sc.duplicates.pairs.hit)}/${fmt(sc.duplicates.pairs.total)}` : '-',
        sc ? fmt(sc.duplicates.falseMerges.pairs) : '-',
      ];
    }),
  );
  console.log(
    "  from the importer's own record (CLI events; the wizard's queue in IndexedDB); library = the server's " +
      '`library.list` total after the run; sounds once/missing/twice: labelled sounds with one, no, or several ' +
      'library entries; pairs as bench:accuracy counts them (files of one labelled sound in one stored sound)',
  );
  const cli = runs.find((r) => r.kind === 'cli' && r.first);
  const wizard = runs.find((r) => r.kind === 'wizard' && r.first);
  if (cli && wizard) {
    console.log(
      `  library after the first import: CLI ${fmt(cli.library)}, wizard ${fmt(wizard.library)}, labels ${fmt(expected.sounds)}`,
    );
  }
}

function printDetails(r: Measured): void {
  const sc = r.score;
  console.log(`\n${r.label}`);
  if (r.command) console.log(`  ${r.command}`);
  for (const remark of r.remarks) console.log(`  ${remark}`);
  if (r.job) {
    const t = r.job.totals;
    console.log(
      `  job ${r.job.job_id}: ${r.job.status}; totals completed ${t.completed}, duplicates ${t.duplicates}, ` +
        `failed ${t.failed}, queued ${t.queued}, processing ${t.processing}; ${r.job.errors.length} errors`,
    );
  }
  if (r.jobProblem) console.log(`  job: ${r.jobProblem}`);
  if (r.libraryProblem) console.log(`  library: ${r.libraryProblem}`);
  if (r.summary) {
    const sm = r.summary;
    const st = sc?.states;
    const agree =
      st &&
      sm.imported === (st.get('done') ?? 0) &&
      sm.duplicates === (st.get('duplicate') ?? 0) &&
      sm.skipped === (st.get('skipped') ?? 0) &&
      sm.failed === (st.get('failed') ?? 0);
    console.log(
      `  summary shows ${sm.imported} imported, ${sm.duplicates} duplicates, ${sm.skipped} skipped, ` +
        `${sm.failed} failed (${agree ? 'as the queue holds' : 'NOT as the queue holds'})`,
    );
  }
  const stalls = [...r.server.responsiveness.stalls].sort((a, b) => b.ms - a.ms).slice(0, 5);
  if (stalls.length > 0) {
    console.log('  longest server stalls (probe answers over 2 s):');
    for (const st of stalls) {
      console.log(
        `    at ${s(st.atS * 1000)} s: ${s(st.ms)} s` +
          (st.batchFiles === null
            ? ''
            : `; a manifest batch of ${st.batchFiles} files was answered then`),
      );
    }
    const batches = r.server.responsiveness.batchesS;
    console.log(
      `    manifest batches answered at ${batches.map((b) => s(b * 1000, 0)).join(', ')} s`,
    );
  }
  if (!sc || !r.first) {
    if (sc && (sc.failed.extra.length > 0 || sc.library.unexpected.length > 0)) {
      for (const f of sc.failed.extra)
        console.log(`  failed, not a bad file: ${f.path}: ${f.reason}`);
    }
    return;
  }
  const failed = r.outcomes.filter((o) => o.state === 'failed');
  const exact = sc.failed.extra.length === 0 && sc.failed.missing.length === 0;
  console.log(
    `  failed: ${failed.length}, ${exact ? 'exactly the labelled bad files' : 'NOT the labelled bad files'}; ` +
      `${sc.failed.withoutReason.length} without a reason`,
  );
  for (const f of failed) {
    const mark =
      r.kind === 'wizard' && r.failedShown && !r.failedShown.some((x) => x.path === f.path)
        ? ' [not in the summary list]'
        : '';
    console.log(`    ${f.path}: ${f.reason ?? '(no reason)'}${mark}`);
  }
  for (const f of sc.failed.missing) console.log(`    labelled bad but ${f.reason}: ${f.path}`);
  if (sc.skipped.extra.length + sc.skipped.missing.length > 0) {
    for (const f of sc.skipped.extra)
      console.log(`  skipped, not labelled so: ${f.path}: ${f.reason}`);
    for (const f of sc.skipped.missing)
      console.log(`  labelled not-audio but ${f.reason}: ${f.path}`);
  } else {
    console.log(
      `  skipped: ${sc.skipped.count}, exactly the labelled non-audio files and labels.json`,
    );
  }
  const d = sc.duplicates;
  console.log(
    `  duplicates: ${d.count} found, ${d.expected} labelled; pairs of one sound kept together ` +
      `${d.pairs.hit}/${d.pairs.total}; false merges ${d.falseMerges.pairs} pairs; ${d.unlinked} duplicates name no original`,
  );
  for (const e of d.falseMerges.examples.slice(0, 10)) console.log(`    false merge: ${e}`);
  for (const m of d.misses.slice(0, 10)) console.log(`    missed: ${m}`);
  if (d.misses.length > 10) console.log(`    … ${d.misses.length - 10} more missed pairs`);
  const lib = sc.library;
  console.log(
    `  library: ${lib.total} sounds for ${lib.once + lib.missing.length + lib.twice.length} labelled sounds: ` +
      `${lib.once} once, ${lib.missing.length} missing, ${lib.twice.length} more than once, ${lib.unexpected.length} not labelled audio`,
  );
  if (lib.missing.length > 0) {
    const list = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
    console.log(
      `    missing by kind: ${list(lib.missingBy.kind)}; by what makes them distinct: ${list(lib.missingBy.distinct)}`,
    );
  }
  if (lib.missing.length > 0)
    console.log(
      `    missing: ${lib.missing.slice(0, 15).join(', ')}${lib.missing.length > 15 ? ', …' : ''}`,
    );
  if (lib.twice.length > 0)
    console.log(
      `    more than once: ${lib.twice.slice(0, 15).join(', ')}${lib.twice.length > 15 ? ', …' : ''}`,
    );
  for (const p of lib.unexpected.slice(0, 10)) console.log(`    not labelled audio: ${p}`);
  const slow = [...(r.uploadTimes ?? [])].sort((a, b) => b.ms - a.ms).slice(0, 5);
  if (slow.length > 0) {
    const over = (r.uploadTimes ?? []).filter((u) => u.ms > 5000).length;
    console.log(`  slowest uploads (${over} took over 5 s):`);
    for (const u of slow) {
      const atS = (u.at - r.server.responsiveness.startedAt) / 1000;
      console.log(
        `    ${s(u.ms, 2)} s for ${mb(u.bytes, 2)} MB, begun at ${fmt(atS, 1)} s: ${u.path}`,
      );
    }
  }
  if (sc.unseen.length > 0)
    console.log(`  never reported: ${sc.unseen.length} (${sc.unseen.slice(0, 5).join(', ')})`);
  if (sc.unknown.length > 0)
    console.log(`  reported but not in the labels: ${sc.unknown.slice(0, 5).join(', ')}`);
}

function printCrashes(runs: Measured[]): void {
  console.log(
    '\nCrashes (exit ≥ 2 or a signal, a stall, a page crash or pageerror, a dead server, errors in its log)',
  );
  table(
    ['run', 'client', 'server died', 'server log lines', 'of them errors'],
    runs.map((r) => [
      r.label,
      fmt(r.crashes.length),
      r.server.exit ?? 'no',
      fmt(r.server.log.filter((l) => l.trim() !== '').length),
      fmt(serverErrors(r.server.log).length),
    ]),
  );
  for (const r of runs) {
    for (const c of r.crashes) console.log(`  ${r.label}: ${c}`);
    for (const l of r.server.log.filter((x) => x.trim() !== '').slice(0, 10))
      console.log(`  ${r.label}, server: ${l.slice(0, 300)}`);
  }
}

/** Prints the whole report. */
export function printReport(input: ReportInput): void {
  printHeader(input);
  const runs = input.runs;
  const busy = runs.filter((r) => r.load > availableParallelism());
  if (busy.length > 0) {
    console.log(
      `the machine was busy: 1-minute load above ${availableParallelism()} (its cores) when ${busy.length} of ` +
        'the runs began; their figures include waiting for the CPU',
    );
  }
  printThroughput(runs, input.reference);
  printTargets(runs);
  printStages(runs);
  printResponsiveness(runs);
  printMemory(runs);
  printOutcomes(runs, input.expected);
  printCrashes(runs);
  console.log('\nDetails');
  for (const r of runs) printDetails(r);
}
