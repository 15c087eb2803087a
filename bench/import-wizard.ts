/**
 * One measured import of a folder with the web app's wizard in headless Chromium: browser-run
 * signs in, picks the folder and analyses it (memory by quarter of the files); then, in the same
 * page, duplicates are resolved with "skip", the upload runs to the summary, and, when asked,
 * a second import of the same folder ("new import") goes through to its summary too.
 */
import type { Page, Request, Response } from '@playwright/test';
import type { JobStatusResponse } from '../shared/schemas/index.js';
import { browserRun, type BrowserRunResult, type BrowserSession } from './browser-run.js';
import type { FileOutcome, PathReason, UploadTime } from './import-outcome.js';
import type { BenchClient } from './server-api.js';

export interface WizardImportOptions {
  serverUrl: string;
  token: string;
  rest: BenchClient;
  dir: string;
  /** localStorage `sm-import:workers`; null keeps the app's default. */
  workers: number | null;
  stallS: number;
  executablePath: string;
  /** Whether to import the same folder again after the first summary. */
  again: boolean;
  /** Called after each pass's summary (e.g. to read the server's library then). */
  afterPass?: (pass: 1 | 2, jobId: string | null) => Promise<void>;
}

/** One import in the wizard, from setting the folder to the summary. */
export interface WizardPass {
  /** Folder set on the input until the summary shows. */
  wallMs: number;
  /** Folder set until "start analysis" shows; click until the duplicates step; its wait. */
  pickMs: number;
  analyseMs: number;
  /** The rest: the bench's own steps between (forced GCs, heap readings, clicks). */
  benchMs: number;
  /** Click on "start upload" until the summary. */
  uploadMs: number;
  /** Chromium CPU seconds from the click on "start analysis" to the summary. */
  cpuS: number | null;
  /** ... of which from the click on "start upload". */
  uploadCpuS: number | null;
  /** Chromium CPU seconds at the summary, and when it showed (this process's clock). */
  cpuAtEndS: number | null;
  summaryAt: number;
  peakRssBytes: number | null;
  peakPssBytes: number | null;
  /** The page's JS heap at the summary, after a forced GC. */
  heapEndBytes: number;
  duplicateGroups: number;
  summary: { imported: number; duplicates: number; skipped: number; failed: number };
  /** The summary's `failed-file` rows. */
  failedRows: PathReason[];
  notice: string | null;
  /** The queue's files (IndexedDB) at the summary. */
  files: number;
  outcomes: FileOutcome[];
  /** Bytes the queue counts as uploaded. */
  uploadBytes: number;
  /** tus creations (POST /api/v1/uploads) during the pass. */
  tusCreations: number;
  /** Each upload from its creation to its last PATCH answered. */
  uploadTimes: UploadTime[];
  /** From the click on "start upload" to the first creation (the manifest goes out first). */
  manifestMs: number | null;
  /** From the first creation to the last upload's end. */
  transferMs: number | null;
  jobId: string | null;
  job: JobStatusResponse | null;
  jobProblem: string | null;
}

export interface WizardImportResult {
  run: BrowserRunResult | null;
  passes: WizardPass[];
  /** Why the run stopped early, when it did. */
  error: string | null;
  uncaughtErrors: string[];
  crashed: boolean;
}

const POLL_MS = 500;

interface PageState {
  step: string;
  /** Text that changes whenever the import moves (progress figures, upload counters). */
  motion: string;
  notice: string | null;
}

const readState = (page: Page): Promise<PageState> =>
  page.evaluate(() => {
    const text = (id: string) =>
      document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    return {
      step: document.querySelector('[data-testid="steps"]')?.getAttribute('data-step') ?? '',
      motion: [text('progress-done'), text('upload-panel')].join('|'),
      notice: text('import-notice'),
    };
  });

/** Polls until the wizard shows `step`; throws when nothing moves for `stallS`. */
async function waitForStep(
  session: BrowserSession,
  step: string,
  stallS: number,
): Promise<PageState> {
  let motion = '';
  let movedAt = performance.now();
  for (;;) {
    if (session.crashed()) throw new Error(`the page crashed waiting for the ${step} step`);
    const state = await readState(session.page);
    if (state.step === step) return state;
    if (state.motion !== motion) {
      motion = state.motion;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > stallS * 1000) {
      throw new Error(
        `nothing moved for ${stallS} s waiting for the ${step} step (at step ${state.step}; ` +
          `"${state.motion.slice(0, 200)}"; notice: ${state.notice ?? 'none'})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface QueueRead {
  jobId: string | null;
  files: (FileOutcome & { uploadedBytes: number; sizeBytes: number; entryId: string | null })[];
}

/** The latest import's record and files, read from IndexedDB with the raw API. */
function readQueue(page: Page): Promise<QueueRead> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('sm-import-queue');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('cannot open sm-import-queue'));
    });
    try {
      const request = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
        });
      interface Record {
        id: string;
        createdAt: number;
        jobId: string | null;
      }
      const imports = await request(
        db.transaction('imports').objectStore('imports').getAll() as IDBRequest<Record[]>,
      );
      const latest = imports.sort((a, b) => b.createdAt - a.createdAt)[0];
      if (!latest) return { jobId: null, files: [] };
      const index = db.transaction('files').objectStore('files').index('importId');
      const files: QueueRead['files'] = [];
      await new Promise<void>((resolve, reject) => {
        const cursor = index.openCursor(IDBKeyRange.only(latest.id));
        cursor.onerror = () => reject(cursor.error ?? new Error('IndexedDB cursor failed'));
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (!c) return resolve();
          const f = c.value as {
            path: string;
            state: string;
            reason: string | null;
            stageMs: FileOutcome['stageMs'];
            duplicate: { of: 'library' | 'selection'; ref: string } | null;
            uploadedBytes: number;
            sizeBytes: number;
            entryId: string | null;
          };
          files.push({
            path: f.path,
            state: f.state,
            reason: f.reason,
            duplicateOfPath: f.duplicate?.of === 'selection' ? f.duplicate.ref : null,
            duplicateOfAsset: f.duplicate?.of === 'library' ? f.duplicate.ref : null,
            stageMs: f.stageMs,
            uploadedBytes: f.uploadedBytes,
            sizeBytes: f.sizeBytes,
            entryId: f.entryId,
          });
          c.continue();
        };
      });
      return { jobId: latest.jobId, files };
    } finally {
      db.close();
    }
  });
}

const UPLOADS = '/api/v1/uploads';

/**
 * What the page's network shows: tus uploads (each from its creation to the answer of its
 * last PATCH, which carries `x-entry-state`), and the server's answers to the manifest (which
 * earlier file or library sound each duplicate repeats: the queue keeps only the page's own
 * finding, not the server's).
 */
class Traffic {
  tusCreations = 0;
  readonly duplicateOf = new Map<string, { path: string; asset: string | null }>();
  /** Upload wall times (ms) by entry id, the first creation and the last upload's end. */
  uploadMs = new Map<string, { ms: number; at: number }>();
  firstCreation: number | null = null;
  lastUploadEnd: number | null = null;
  private readonly created = new Map<Request, { at: number; entry: string }>();
  private readonly started = new Map<string, { at: number; entry: string }>();
  private readonly reading = new Set<Promise<void>>();

  /** Starts counting a new pass. */
  reset(): void {
    this.duplicateOf.clear();
    this.uploadMs = new Map<string, { ms: number; at: number }>();
    this.firstCreation = null;
    this.lastUploadEnd = null;
  }

  readonly onRequest = (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === UPLOADS) {
      this.tusCreations++;
      const now = performance.now();
      // Upload-Metadata: "entry_id BASE64,…"
      const metadata = request.headers()['upload-metadata'] ?? '';
      const encoded = /(?:^|,)\s*entry_id\s+([^,\s]+)/.exec(metadata)?.[1] ?? '';
      this.created.set(request, { at: now, entry: Buffer.from(encoded, 'base64').toString() });
      this.firstCreation ??= now;
    }
  };

  readonly onResponse = (response: Response) => {
    const now = performance.now();
    const request = response.request();
    const url = new URL(response.url());
    if (url.pathname.startsWith(UPLOADS)) {
      const creation = this.created.get(request);
      const location = response.headers()['location'];
      if (creation !== undefined && location) {
        this.started.set(new URL(location, url).href, creation);
        this.created.delete(request);
      }
      const started = this.started.get(url.href);
      if (request.method() === 'PATCH' && started !== undefined) {
        if (response.headers()['x-entry-state']) {
          this.uploadMs.set(started.entry, { ms: now - started.at, at: started.at });
          this.lastUploadEnd = now;
          this.started.delete(url.href);
        }
      }
      return;
    }
    if (!url.pathname.startsWith('/trpc/') || !url.pathname.includes('bulkImport.ingest')) return;
    const read = this.readIngest(response).finally(() => this.reading.delete(read));
    this.reading.add(read);
  };

  /** Resolves once every answer seen so far has been read. */
  async settled(): Promise<void> {
    await Promise.all([...this.reading]);
  }

  private async readIngest(response: Response): Promise<void> {
    interface Item {
      path?: string | null;
      duplicate_of?: { path: string; asset_id: string | null } | null;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return; // not JSON (an error page): the outcome shows it elsewhere
    }
    for (const part of Array.isArray(body) ? body : [body]) {
      const data = (part as { result?: { data?: { items?: Item[] } } }).result?.data;
      for (const item of data?.items ?? []) {
        if (item.path && item.duplicate_of) {
          this.duplicateOf.set(item.path, {
            path: item.duplicate_of.path,
            asset: item.duplicate_of.asset_id,
          });
        }
      }
    }
  }
}

/** The rest of a pass once the duplicates step shows: resolve, upload, read the summary. */
async function finishPass(
  session: BrowserSession,
  options: WizardImportOptions,
  timing: { pickStartedAt: number; pickMs: number; clickAt: number; duplicatesAt: number },
  cpuAtClick: number | null,
  traffic: Traffic,
): Promise<WizardPass> {
  const { page } = session;
  const groupsText = await page
    .getByTestId('duplicate-summary')
    .textContent({ timeout: 1000 })
    .catch(() => null);
  const duplicateGroups = groupsText ? Number(/^(\d+)/.exec(groupsText.trim())?.[1] ?? 0) : 0;
  if ((await page.getByTestId('duplicate-group').count()) > 0) {
    await page.getByTestId('resolve-all-skip').click();
  }
  const tusBefore = traffic.tusCreations;
  traffic.reset();
  const cpuAtUpload = (await session.sample())?.cpuS ?? null;
  const uploadAt = performance.now();
  await page.getByTestId('start-upload').click();
  const end = await waitForStep(session, 'summary', options.stallS);
  const summaryAt = performance.now();
  const cpuAtEnd = (await session.sample())?.cpuS ?? null;
  const count = async (name: string) =>
    Number(await page.getByTestId(`summary-${name}`).textContent());
  const summary = {
    imported: await count('imported'),
    duplicates: await count('duplicates'),
    skipped: await count('skipped'),
    failed: await count('failed'),
  };
  const failedRows = await page.getByTestId('failed-file').evaluateAll((rows) =>
    rows.map((row) => {
      const path = row.getAttribute('data-path') ?? '';
      const text = row.textContent ?? '';
      return { path, reason: text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text };
    }),
  );
  const queue = await readQueue(page);
  await traffic.settled();
  for (const file of queue.files) {
    const server = traffic.duplicateOf.get(file.path);
    if (!server) continue;
    file.duplicateOfPath = server.asset ? null : server.path;
    file.duplicateOfAsset = server.asset ?? file.duplicateOfAsset;
  }
  let job: JobStatusResponse | null = null;
  let jobProblem: string | null = null;
  if (queue.jobId) {
    try {
      job = await options.rest.status(queue.jobId);
    } catch (error) {
      jobProblem = `GET status of job ${queue.jobId}: ${(error as Error).message}`;
    }
  } else {
    jobProblem = 'the import has no job';
  }
  const peaks = session.peaks();
  const wallMs = summaryAt - timing.pickStartedAt;
  const analyseMs = timing.duplicatesAt - timing.clickAt;
  return {
    wallMs,
    pickMs: timing.pickMs,
    analyseMs,
    uploadMs: summaryAt - uploadAt,
    benchMs: wallMs - timing.pickMs - analyseMs - (summaryAt - uploadAt),
    cpuS: cpuAtClick !== null && cpuAtEnd !== null ? cpuAtEnd - cpuAtClick : null,
    uploadCpuS: cpuAtUpload !== null && cpuAtEnd !== null ? cpuAtEnd - cpuAtUpload : null,
    cpuAtEndS: cpuAtEnd,
    summaryAt,
    peakRssBytes: peaks.rssBytes,
    peakPssBytes: peaks.pssBytes,
    heapEndBytes: await session.heap(true),
    duplicateGroups,
    summary,
    failedRows,
    notice: end.notice,
    files: queue.files.length,
    outcomes: queue.files.map(({ uploadedBytes: _, sizeBytes: __, entryId: ___, ...o }) => o),
    uploadBytes: queue.files
      .filter((f) => f.state === 'done')
      .reduce((sum, f) => sum + f.uploadedBytes, 0),
    tusCreations: traffic.tusCreations - tusBefore,
    uploadTimes: queue.files.flatMap((f) => {
      const time = f.entryId ? traffic.uploadMs.get(f.entryId) : undefined;
      return time === undefined ? [] : [{ path: f.path, bytes: f.sizeBytes, ...time }];
    }),
    manifestMs: traffic.firstCreation === null ? null : traffic.firstCreation - uploadAt,
    transferMs:
      traffic.firstCreation !== null && traffic.lastUploadEnd !== null
        ? traffic.lastUploadEnd - traffic.firstCreation
        : null,
    jobId: queue.jobId,
    job,
    jobProblem,
  };
}

/** The second import of the same folder in the same page: "new import", then all the steps. */
async function secondPass(
  session: BrowserSession,
  options: WizardImportOptions,
  traffic: Traffic,
): Promise<WizardPass> {
  const { page } = session;
  session.resetPeaks();
  await page.getByTestId('new-import').click();
  await waitForStep(session, 'choose', options.stallS);
  const pickStartedAt = performance.now();
  await page.getByTestId('folder-input').setInputFiles(options.dir);
  await page.getByTestId('start-analysis').waitFor({ timeout: options.stallS * 1000 });
  const pickMs = performance.now() - pickStartedAt;
  const cpuAtClick = (await session.sample())?.cpuS ?? null;
  const clickAt = performance.now();
  await page.getByTestId('start-analysis').click();
  await waitForStep(session, 'duplicates', options.stallS);
  const duplicatesAt = performance.now();
  return finishPass(
    session,
    options,
    { pickStartedAt, pickMs, clickAt, duplicatesAt },
    cpuAtClick,
    traffic,
  );
}

/** Imports the folder in the wizard (see the module). Failures end up in `error`. */
export async function wizardImport(options: WizardImportOptions): Promise<WizardImportResult> {
  const passes: WizardPass[] = [];
  let error: string | null = null;
  let uncaught: string[] = [];
  let crashed = false;
  const traffic = new Traffic();
  let run: BrowserRunResult | null = null;
  try {
    run = await browserRun({
      serverUrl: options.serverUrl,
      token: options.token,
      dir: options.dir,
      workers: options.workers,
      stallS: options.stallS,
      executablePath: options.executablePath,
      afterAnalysis: async (session) => {
        uncaught = session.uncaughtErrors;
        session.page.context().on('request', traffic.onRequest);
        session.page.context().on('response', traffic.onResponse);
        try {
          // browser-run timed the pick and the analysis; they are filled in below.
          const now = performance.now();
          const timing = { pickStartedAt: now, pickMs: 0, clickAt: now, duplicatesAt: now };
          const first = await finishPass(session, options, timing, null, traffic);
          passes.push(first);
          await options.afterPass?.(1, first.jobId);
          if (options.again) {
            const second = await secondPass(session, options, traffic);
            passes.push(second);
            await options.afterPass?.(2, second.jobId);
          }
        } catch (e) {
          error = (e as Error).message;
        } finally {
          crashed = session.crashed();
        }
      },
    });
  } catch (e) {
    error ??= (e as Error).message;
  }
  const first = passes[0];
  if (first && run) {
    first.pickMs = run.pickMs;
    first.analyseMs = run.untilDuplicatesMs;
    first.wallMs = first.summaryAt - run.pickStartedAt;
    first.benchMs = first.wallMs - first.pickMs - first.analyseMs - first.uploadMs;
    first.cpuS =
      run.cpuAtClickS !== null && first.cpuAtEndS !== null
        ? first.cpuAtEndS - run.cpuAtClickS
        : null;
  }
  return {
    run,
    passes,
    error,
    uncaughtErrors: uncaught,
    crashed: crashed || (run?.crashed ?? false),
  };
}
