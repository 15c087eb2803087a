import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  entryCopy,
  savedStage,
  type ImportStage,
  type RecordedFile,
  type RunCopy,
} from '../../../shared/import/index.js';
import type { ManifestEntry } from '../../../shared/schemas/index.js';

/** Where a file is in its import: the engine's stages, less `discovered` (the CLI keeps found files only once analysed). */
export type FileStage = Exclude<ImportStage, 'discovered'>;

export interface FileState {
  /** Absolute path on this machine. */
  abs: string;
  /** Size and modification time when it was hashed: a file that differs is analysed again. */
  size: number;
  mtimeMs: number;
  stage: FileStage;
  hash: string | null;
  /** The manifest entry sent (or to send) for it. */
  entry: ManifestEntry | null;
  /** Bits per sample of PCM, from its analysis (null for lossy codecs; absent in older runs). */
  bitDepth?: number | null;
  jobId: string | null;
  entryId: string | null;
  /** The tus upload of its bytes, to resume from its offset. */
  uploadUrl: string | null;
  reason: string | null;
  /** For a duplicate: the path it repeats. */
  duplicateOf: string | null;
  /** Paths of sounds of the job or the library it is close to without copying (both kept). */
  similarTo: string[];
}

type LogLine =
  | { t: 'meta'; server: string; roots: string[] }
  | { t: 'job'; job_id: string | null; closed: boolean }
  | ({ t: 'file'; rel: string } & Partial<FileState>);

/**
 * The state of one import (same server, same folders) on disk, so that running the same command
 * again continues it: an append-only JSON Lines log (each change one line, written before the
 * work it records goes on, fsynced every second), replayed at open and compacted at close.
 * A torn last line (power cut) is ignored.
 */
export class RunState {
  jobId: string | null = null;
  jobClosed = false;
  readonly files = new Map<string, FileState>();
  private fd: number | null = null;
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly file: string,
    readonly server: string,
    readonly roots: string[],
  ) {}

  /** What bestCopiesFirst reads of a file's recorded entry; null without a readable one. */
  copyFacts(rel: string): RunCopy | null {
    const file = this.files.get(rel);
    return entryCopy(rel, file?.entry, file?.bitDepth ?? null);
  }

  /** A file as a resumed run reads it (resumeAction); undefined when none is recorded. */
  recorded(rel: string): RecordedFile | undefined {
    const file = this.files.get(rel);
    if (!file) return undefined;
    const { stage, jobId, entryId, entry } = file;
    return {
      stage,
      jobId,
      entryId,
      entry: !entry ? 'none' : entry.status === 'error' ? 'unreadable' : 'readable',
      // Each analysis puts a file at `analysed`, and each answer of the job moves it on.
      answered: stage !== 'analysed',
    };
  }

  /** The state file of an import of `roots` into `server`. */
  static fileFor(dir: string, server: string, roots: string[]): string {
    const key = createHash('sha256')
      .update(JSON.stringify([server, [...roots].sort()]))
      .digest('hex');
    return join(dir, `${key.slice(0, 24)}.jsonl`);
  }

  static async open(dir: string, server: string, roots: string[]): Promise<RunState> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const state = new RunState(RunState.fileFor(dir, server, roots), server, roots);
    const text = await readFile(state.file, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line) continue;
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        continue;
      }
      state.apply(parsed);
    }
    await state.compact();
    state.fd = openSync(state.file, 'a', 0o600);
    state.timer = setInterval(() => state.sync(), 1000);
    state.timer.unref();
    return state;
  }

  /** The server and folders of the import that made job `jobId`, if this machine ran it. */
  static async findByJob(
    dir: string,
    jobId: string,
  ): Promise<{ server: string; roots: string[] } | null> {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.jsonl')) continue;
      const text = await readFile(join(dir, name), 'utf8').catch(() => '');
      if (!text.includes(`"job_id":"${jobId}"`)) continue;
      const meta = JSON.parse(text.slice(0, text.indexOf('\n'))) as LogLine;
      if (meta.t === 'meta') return { server: meta.server, roots: meta.roots };
    }
    return null;
  }

  setJob(jobId: string | null, closed: boolean): void {
    this.jobId = jobId;
    this.jobClosed = closed;
    this.write({ t: 'job', job_id: jobId, closed });
  }

  /** Records a change to one file's state. */
  update(rel: string, patch: Partial<FileState>): FileState {
    const next = this.merge(rel, patch);
    this.write({ t: 'file', rel, ...patch });
    return next;
  }

  /** Flushes to disk, compacts the log and stops writing. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.sync();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    await this.compact();
  }

  private apply(line: LogLine): void {
    if (line.t === 'job') {
      this.jobId = line.job_id;
      this.jobClosed = line.closed;
    } else if (line.t === 'file') {
      const { t: _t, rel, ...patch } = line;
      // A state file written before the stages took the server's names says 'sent'.
      if (patch.stage) patch.stage = savedStage(patch.stage) as FileStage;
      this.merge(rel, patch);
    }
  }

  private merge(rel: string, patch: Partial<FileState>): FileState {
    const before = this.files.get(rel) ?? {
      abs: '',
      size: 0,
      mtimeMs: 0,
      stage: 'analysed' as const,
      hash: null,
      entry: null,
      jobId: null,
      entryId: null,
      uploadUrl: null,
      reason: null,
      duplicateOf: null,
      similarTo: [],
    };
    const next = { ...before, ...patch };
    this.files.set(rel, next);
    return next;
  }

  private write(line: LogLine): void {
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    this.dirty = true;
  }

  private sync(): void {
    if (this.fd !== null && this.dirty) fsyncSync(this.fd);
    this.dirty = false;
  }

  private async compact(): Promise<void> {
    const lines: LogLine[] = [
      { t: 'meta', server: this.server, roots: this.roots },
      { t: 'job', job_id: this.jobId, closed: this.jobClosed },
      ...[...this.files].map(([rel, state]) => ({ t: 'file' as const, rel, ...state })),
    ];
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
