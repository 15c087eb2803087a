import type { ExcludedEvent, JobStatusResponse } from '../../../shared/schemas/index.js';
import type { ExcludedFile } from '../../../shared/files/index.js';
import { uploadPace, type AnalysisPace, type PaceStart } from '../../../shared/import/index.js';

export interface ImportCounts {
  found: number;
  analysed: number;
  skipped: number;
  duplicates: number;
  uploaded: number;
  /** Uploaded although close to a sound of the run or the library (not a copy: both kept). */
  similar: number;
  /** Imported by an earlier run of the same import (done or duplicate then, unchanged since). */
  earlier: number;
  failed: number;
  /** Left out by `--exclude` or a `.smignore` (never analysed or sent). */
  excluded: number;
  bytesSent: number;
  bytesToSend: number;
}

export interface Failure {
  path: string;
  reason: string;
}

/** At most one note of uploads retrying this often. */
const RETRY_NOTE_MS = 10_000;

/**
 * The pace of the stage the import is in, and the time it still needs: the analysis's own pace
 * while it runs, then bytes sent a second since the first bytes were queued (`uploadsFrom`).
 * Files are uploaded once the server has answered their part of the manifest, which is sent
 * when every file is analysed. Pure.
 */
export function pace(
  c: Pick<ImportCounts, 'bytesSent' | 'bytesToSend'>,
  now: number,
  analysis: AnalysisPace | null,
  uploadsFrom: PaceStart | null,
): string {
  if (uploadsFrom === null) {
    if (analysis === null) return '';
    if (analysis.etaS === null || analysis.etaS <= 0) return 'checking with the server';
    return `analysing ${analysis.filesPerS.toFixed(1)} files/s, ETA ${formatSeconds(analysis.etaS)}`;
  }
  if (c.bytesSent >= c.bytesToSend) return 'all sent';
  const uploads = uploadPace(uploadsFrom, now, c.bytesSent, c.bytesToSend);
  if (!uploads) return 'uploading';
  return `uploading ${formatBytes(uploads.bytesPerS)}/s, ETA ${formatSeconds(uploads.etaS)}`;
}

/**
 * What `sm-import import` shows. With `json`, one JSON object per event on stdout (the last
 * one the job's final status). Otherwise a live progress line on a TTY stderr, and a summary
 * with the failures and their reasons at the end.
 */
export class ImportOutput {
  readonly counts: ImportCounts = {
    found: 0,
    analysed: 0,
    skipped: 0,
    duplicates: 0,
    uploaded: 0,
    similar: 0,
    earlier: 0,
    failed: 0,
    excluded: 0,
    bytesSent: 0,
    bytesToSend: 0,
  };
  /** The job's counters as the server last reported them (`bulk_import.update`). */
  serverTotals: { queued: number; processing: number; completed: number } | null = null;
  private readonly started = Date.now();
  /** The analysis's pace, as its last file reported it (null before the first, or with none to analyse). */
  analysisPace: AnalysisPace | null = null;
  /** When the first bytes were queued, and how many were sent by then: the uploads' pace counts from there. */
  private uploadsFrom: PaceStart | null = null;
  private lastDraw = 0;
  private lastRetryNote = -Infinity;
  private shown = false;

  constructor(
    readonly json: boolean,
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WriteStream,
  ) {}

  /** One event: a JSON line with --json; a plain line for notes on a terminal. */
  event(event: Record<string, unknown> & { type: string }): void {
    if (this.json) this.out.write(`${JSON.stringify(event)}\n`);
    if (event.type === 'bulk_import.update') {
      this.serverTotals = event.totals as NonNullable<ImportOutput['serverTotals']>;
    }
    this.draw();
  }

  /** A file this run stored: counted (with the similar ones when close to others) and reported. */
  stored(path: string, similarTo: string[]): void {
    this.counts.uploaded++;
    if (similarTo.length > 0) this.counts.similar++;
    this.event({ type: 'file', path, state: 'done', similar_to: similarTo });
  }

  /**
   * Files the scan left out: counted, and with `json` one event each (`excludedEventSchema`).
   */
  excluded(files: readonly { rel: string; reason: ExcludedFile['reason'] }[]): void {
    this.counts.excluded += files.length;
    if (!this.json) return;
    for (const { rel, reason } of files)
      this.event({ type: 'excluded', path: rel, ...reason } satisfies ExcludedEvent);
  }

  /** A message for people (retries, resumes); in JSON mode it is an event of type "note". */
  note(message: string): void {
    if (this.json) {
      this.out.write(`${JSON.stringify({ type: 'note', message })}\n`);
      return;
    }
    this.clear();
    this.err.write(`${message}\n`);
    this.draw(true);
  }

  /**
   * An upload failed and is tried again (the server restarting, the network away): a note, at
   * most one every RETRY_NOTE_MS however many uploads meet it, so a stall is never silent.
   */
  uploadRetrying(reason: string): void {
    const now = Date.now();
    if (now - this.lastRetryNote < RETRY_NOTE_MS) return;
    this.lastRetryNote = now;
    this.note(`uploads: ${reason}; retrying, each upload resumes where it stopped`);
  }

  /** Redraws the progress line (at most 10 times a second) on a TTY. */
  draw(force = false): void {
    if (this.json || !this.err.isTTY) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const c = this.counts;
    if (this.uploadsFrom === null && c.bytesToSend > 0)
      this.uploadsFrom = { at: now, sent: c.bytesSent };
    const text =
      `found ${c.found} · analysed ${c.analysed} · duplicates ${c.duplicates} · uploaded ${c.uploaded} · ` +
      `failed ${c.failed} · ${formatBytes(c.bytesSent)}/${formatBytes(c.bytesToSend)} · ` +
      pace(c, now, this.analysisPace, this.uploadsFrom) +
      (this.serverTotals
        ? ` · server: ${this.serverTotals.queued} waiting, ${this.serverTotals.processing} receiving, ${this.serverTotals.completed} stored`
        : '');
    const columns = this.err.columns || 120;
    this.err.write(`\r${text.slice(0, columns - 1).padEnd(columns - 1)}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.err.write(`\r${' '.repeat((this.err.columns || 120) - 1)}\r`);
    this.shown = false;
  }

  /**
   * The end of a job the server did alone (a bucket import): its counts, or its status line.
   * The objects its listing excluded are counted, and with `json` the ones the server names
   * (the first MAX_EXCLUDED_SAMPLE) are `excluded` events first, as a folder import's files.
   */
  finishJob(final: JobStatusResponse | null, headline: string): void {
    this.clear();
    if (final?.bucket) {
      const { excluded, excluded_sample } = final.bucket;
      this.excluded(excluded_sample.map((file) => ({ rel: file.path, reason: file.reason })));
      this.counts.excluded = excluded;
    }
    if (this.json) {
      if (final) this.out.write(`${JSON.stringify(final)}\n`);
      return;
    }
    this.out.write(`${final ? jobSummary(final, headline) : headline}\n`);
  }

  /** The end: the summary and failures for people, or the final status line for scripts. */
  finish(final: JobStatusResponse | object | null, failures: Failure[], headline: string): void {
    this.clear();
    if (this.json) {
      if (final) this.out.write(`${JSON.stringify(final)}\n`);
      return;
    }
    const c = this.counts;
    const seconds = (Date.now() - this.started) / 1000;
    const lines = [
      headline,
      `  files      ${c.found} found, ${c.analysed} analysed, ${c.skipped} skipped (not audio)`,
      ...(c.excluded > 0
        ? [`  excluded   ${c.excluded} (by --exclude or a .smignore; --json names each and why)`]
        : []),
      `  uploaded   ${c.uploaded} (${formatBytes(c.bytesSent)})`,
      `  duplicates ${c.duplicates}`,
      ...(c.similar > 0
        ? [
            `  similar    ${c.similar} kept beside a similar sound — both kept; listen in the library`,
          ]
        : []),
      `  earlier    ${c.earlier} (imported by an earlier run, unchanged since)`,
      `  failed     ${c.failed}`,
      `  time       ${formatSeconds(seconds)}`,
    ];
    if (failures.length > 0) {
      lines.push('', 'Failures:');
      for (const f of failures) lines.push(`  ${f.path}: ${f.reason}`);
    }
    this.out.write(`${lines.join('\n')}\n`);
  }
}

/** The end of a job this machine only followed (a bucket import): the server's counts. */
function jobSummary(final: JobStatusResponse, headline: string): string {
  const t = final.totals;
  const lines = [
    headline,
    `  stored     ${t.completed}`,
    `  duplicates ${t.duplicates}`,
    ...(t.similar > 0 ? [`  similar    ${t.similar} kept beside a similar sound — both kept`] : []),
    `  failed     ${t.failed}`,
  ];
  const listing = final.bucket;
  if (listing && listing.excluded > 0) {
    const named = listing.excluded > listing.excluded_sample.length ? 'names the first' : 'names';
    lines.push(
      `  excluded   ${listing.excluded} (by --exclude or a .smignore; --json ${named} ${listing.excluded_sample.length} and why)`,
    );
  }
  if (final.errors.length > 0) {
    lines.push('', 'Failures:');
    for (const e of final.errors) lines.push(`  ${e.path}: ${e.reason}`);
  }
  return lines.join('\n');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
