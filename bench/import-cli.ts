/**
 * One measured `sm-import import DIR --json` against a server: under GNU time (wall, CPU, peak
 * RSS), its process tree's memory read every half second and at each quarter of the files
 * analysed, and its JSON events timed as they arrive: analysis time by stage, each upload from
 * its `uploading` event to its end, and the job's final status (the last line).
 */
import { stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../testing/paths.js';
import { jobStatusResponseSchema, type JobStatusResponse } from '../shared/schemas/index.js';
import type { FileOutcome, UploadTime } from './import-outcome.js';
import { childrenOf } from './process-tree.js';
import { hasGnuTime, timedCommand } from './timed-command.js';
import { mainThreadCpuS, meterTree, type TreeMeter } from './tree-meter.js';

export interface CliImportOptions {
  dir: string;
  serverUrl: string;
  token: string;
  /** SM_IMPORT_STATE_DIR: a fresh folder for a first run, the same one to continue a run. */
  stateDir: string;
  /** Kills the import when it prints nothing for this long. */
  stallS: number;
}

export interface CliImportResult {
  command: string;
  load: number;
  code: number;
  signal: string | null;
  /** Why the bench stopped it (no output for too long), else null. */
  stalled: string | null;
  wallMs: number;
  cpuS: number | null;
  /** CPU seconds of the CLI's main thread (scan, manifest, uploads, events), as last read. */
  mainThreadCpuS: number | null;
  /** GNU time's peak RSS of the largest process (the CLI: one process with its threads). */
  maxRssBytes: number | null;
  /** Peak RSS summed over the process tree, from the half-second readings. */
  peakTreeRssBytes: number | null;
  /** Tree RSS when 25, 50, 75 and 100 % of the files to analyse were analysed. */
  rssAtQuarters: (number | null)[];
  found: number;
  /** Files analysed by this run (`analysed` and `skipped` events). */
  analysed: number;
  outcomes: FileOutcome[];
  /** `uploading` events, the bytes of those files, and their wall times (event to end, ms). */
  uploads: number;
  uploadBytes: number;
  /** Each upload: its file, bytes, and ms from its `uploading` event to its end. */
  uploadTimes: UploadTime[];
  /** From the first `uploading` event to the last upload's end. */
  uploadWallMs: number | null;
  final: JobStatusResponse | null;
  /** Why the last line is not a job status, when it is not. */
  finalProblem: string | null;
  notes: string[];
  /** Lines of stdout that are not JSON. */
  garbage: string[];
  stderr: string;
}

interface FileEvent {
  type: 'file';
  path: string;
  state: string;
  reason?: string;
  duplicate_of?: string | null;
  stage_ms?: FileOutcome['stageMs'];
  earlier_job?: string;
}

/** Runs the import and gathers its figures (see the module); never throws for its outcome. */
export async function cliImport(options: CliImportOptions): Promise<CliImportResult> {
  const args = [
    join(ROOT, 'bin', 'sm-import.js'),
    'import',
    options.dir,
    '--json',
    '--server',
    options.serverUrl,
    '--token',
    options.token,
  ];
  const load = loadavg()[0]!;
  const outcomes = new Map<string, FileOutcome>();
  const uploadStarted = new Map<string, number>();
  const uploadTimes: { path: string; ms: number; at: number }[] = [];
  const uploaded: string[] = [];
  const quarters: Promise<number | null>[] = [];
  const notes: string[] = [];
  const garbage: string[] = [];
  let found = 0;
  let analysed = 0;
  let firstUpload: number | null = null;
  let lastUploadEnd: number | null = null;
  let lastLine = '';
  let lastLineAt = performance.now();
  let meter: TreeMeter | null = null;
  let pid: number | null = null;
  let stalled: string | null = null;
  let node: number | null = null;
  let mainCpu: number | null = null;
  /** The node process: GNU time's child, or the spawned process itself. */
  const findNode = async () => {
    if (pid === null || node !== null) return;
    if (!hasGnuTime) node = pid;
    else node = (await childrenOf(pid)).find((c) => c.command.includes('sm-import'))?.pid ?? null;
  };

  const outcome = (path: string): FileOutcome => {
    let o = outcomes.get(path);
    if (!o) {
      o = {
        path,
        state: 'seen',
        reason: null,
        duplicateOfPath: null,
        duplicateOfAsset: null,
        stageMs: null,
      };
      outcomes.set(path, o);
    }
    return o;
  };
  const onFile = (e: FileEvent, at: number) => {
    const o = outcome(e.path);
    if (e.state === 'analysed' || (e.state === 'skipped' && !e.earlier_job)) {
      analysed++;
      while (quarters.length < 4 && found > 0 && analysed >= (found * (quarters.length + 1)) / 4) {
        quarters.push(
          meter ? meter.sampleNow().then((t) => t?.rssBytes ?? null) : Promise.resolve(null),
        );
      }
    }
    if (e.state === 'analysed') {
      o.stageMs = e.stage_ms ?? null;
      if (o.state === 'seen') o.state = 'analysed';
      return;
    }
    if (e.state === 'uploading') {
      firstUpload ??= at;
      uploadStarted.set(e.path, at);
      uploaded.push(e.path);
    } else if (uploadStarted.has(e.path)) {
      const began = uploadStarted.get(e.path)!;
      uploadTimes.push({ path: e.path, ms: at - began, at: began });
      uploadStarted.delete(e.path);
      lastUploadEnd = at;
    }
    // Done or a duplicate in an earlier run of the same import: nothing happened to it now.
    o.state = e.earlier_job && e.state !== 'failed' ? 'earlier' : e.state;
    if (e.reason !== undefined) o.reason = e.reason;
    if (e.duplicate_of) o.duplicateOfPath = e.duplicate_of;
  };
  const onLine = (line: string, at: number) => {
    lastLineAt = at;
    if (line.trim() === '') return;
    lastLine = line;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      if (garbage.length < 20) garbage.push(line.slice(0, 300));
      return;
    }
    if (event.type === 'scan') found = Number(event.files);
    else if (event.type === 'file') onFile(event as unknown as FileEvent, at);
    else if (event.type === 'note') notes.push(String(event.message));
  };

  const watchdog = setInterval(() => {
    void findNode().then(async () => {
      const cpu = node === null ? null : await mainThreadCpuS(node);
      if (cpu !== null) mainCpu = cpu;
    });
    if (pid === null || performance.now() - lastLineAt < options.stallS * 1000) return;
    stalled = `no output for ${options.stallS} s after ${analysed}/${found} files analysed and ${uploaded.length} uploads started; killed`;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 1000);
  const r = await timedCommand(process.execPath, args, {
    env: { ...process.env, SM_IMPORT_STATE_DIR: options.stateDir },
    onSpawn: (p) => {
      pid = p;
      meter = meterTree(p);
    },
    onStdoutLine: onLine,
  }).finally(() => clearInterval(watchdog));
  (meter as TreeMeter | null)?.stop();

  let final: JobStatusResponse | null = null;
  let finalProblem: string | null = null;
  try {
    final = jobStatusResponseSchema.parse(JSON.parse(lastLine));
  } catch (error) {
    finalProblem = `the last line is not the job's status (${(error as Error).message.slice(0, 200)}): ${lastLine.slice(0, 300)}`;
  }
  // The final status names failures the events may not have (a refused manifest item).
  for (const e of final?.errors ?? []) {
    const o = outcome(e.path);
    if (o.state !== 'failed') o.state = 'failed';
    o.reason ??= e.reason;
  }
  const parent = dirname(options.dir);
  const sizeOf = (rel: string) =>
    stat(join(parent, rel)).then(
      (s) => s.size,
      () => 0,
    );
  const sizes = await Promise.all(uploaded.map(sizeOf));
  return {
    command: `SM_IMPORT_STATE_DIR=${options.stateDir} node bin/sm-import.js import ${options.dir} --json --server ${options.serverUrl} --token …`,
    load,
    code: r.code,
    signal: r.signal,
    stalled,
    wallMs: r.wallMs,
    cpuS: r.cpuS,
    mainThreadCpuS: mainCpu,
    maxRssBytes: r.maxRssBytes,
    peakTreeRssBytes: (meter as TreeMeter | null)?.peakRssBytes() ?? null,
    rssAtQuarters: await Promise.all(quarters),
    found,
    analysed,
    outcomes: [...outcomes.values()],
    uploads: uploaded.length,
    uploadBytes: sizes.reduce((a, b) => a + b, 0),
    uploadTimes: await Promise.all(
      uploadTimes.map(async (u) => ({ ...u, bytes: await sizeOf(u.path) })),
    ),
    uploadWallMs:
      firstUpload !== null && lastUploadEnd !== null ? lastUploadEnd - firstUpload : null,
    final,
    finalProblem,
    notes,
    garbage,
    stderr: r.stderr,
  };
}
