import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page, Request, Route, TestInfo } from '@playwright/test';
import { melodyWav } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import type { ServerProcess as TestServer } from '../testing/server-process.js';
import {
  analyseFolder,
  chooseFolder,
  isTusRequest,
  readFileRows,
  summaryCounts,
  throttleUploads,
  uploadCounter,
  waitForStep,
  type Step,
} from './support/wizard.js';

/*
 * Fault injection: an import survives a kill at any point, and a reopened wizard (or the same
 * page, when it is the server that died) finishes it: every file stored exactly once, every count
 * right, nothing reported imported that the server does not hold, the stored bytes identical to
 * the files picked (sha256 of what `GET /api/v1/audio/files/{id}/content` sends).
 *
 * Killing the wizard: its page's renderer crashes and the page is closed, in the same browser
 * context (IndexedDB and the session survive); a new page on /import shows where the import
 * stands and, given the folder again, finishes it. Killing the server: started with
 * SM_FAILPOINT=NAME (shared/node/failpoints.ts) it kills itself with SIGKILL the first time it
 * reaches NAME; the test starts it again without the failpoint on the same port and data
 * folder, and the page, left open, goes on by itself (tus and tRPC calls retry).
 */

// Each test's server is fresh, started from a copy of a fresh server's data (seconds sooner).
test.use({ serverFromTemplate: true });

const ROOT = 'Crash Takes';
const FILES = 6;
/** 12 s of 16-bit mono 44.1 kHz: about 1 MB a file. */
const DURATION_S = 12;
/** The long files of the analysis test: their analysis takes seconds. */
const LONG_S = 90;
/** Slow enough that an upload of all files takes several seconds, to be interrupted. */
const UPLOAD_BYTES_PER_S = 1024 * 1024;
/** A partial upload this far from its end (about a second at a third of the throttle) is killed. */
const PARTIAL_MARGIN_BYTES = 384 * 1024;
/** How long a reopened or restarted import may take to reach its summary. */
const FINISH_TIMEOUT_MS = 120_000;
/** A refusal shown on the page for this long, with nothing moving, means the import is stuck. */
const STUCK_AFTER_MS = 15_000;
/** How long a server may take to reach its failpoint once the import starts. */
const FAILPOINT_TIMEOUT_MS = 60_000;
const QUEUE_DB = 'sm-import-queue';

/** The files of a test as they are on disk: the truth the library is compared with. */
interface Truth {
  folder: string;
  /** App paths (`ROOT/name`), sorted. */
  paths: string[];
  sha256: Map<string, string>;
  size: Map<string, number>;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes FILES distinct melodies (`durations[i]` s each) into `workDir/ROOT`. */
async function writeTruth(
  workDir: string,
  durations: readonly number[] = Array.from({ length: FILES }, () => DURATION_S),
): Promise<Truth> {
  const folder = join(workDir, ROOT);
  await mkdir(folder, { recursive: true });
  const truth: Truth = { folder, paths: [], sha256: new Map(), size: new Map() };
  for (const [i, durationS] of durations.entries()) {
    const name = `Melody ${String(i + 1).padStart(2, '0')}.wav`;
    const bytes = melodyWav(1000 + i + 1, durationS);
    await writeFile(join(folder, name), bytes);
    const path = `${ROOT}/${name}`;
    truth.paths.push(path);
    truth.sha256.set(path, sha256(bytes));
    truth.size.set(path, bytes.length);
  }
  truth.paths.sort();
  return truth;
}

/** What the wizard keeps in IndexedDB (the queue), read raw from the page. */
interface QueueState {
  imports: { id: string; step: Step; jobId: string | null; manifestClosed: boolean }[];
  files: {
    path: string;
    state: string;
    sent: boolean;
    entryId: string | null;
    uploadUrl: string | null;
    uploadedBytes: number;
  }[];
}

async function readQueue(page: Page): Promise<QueueState> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(new Error(String(open.error)));
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((done, fail) => {
        if (!db.objectStoreNames.contains(store)) return done([]);
        const get = db.transaction(store).objectStore(store).getAll();
        get.onsuccess = () => done(get.result as T[]);
        get.onerror = () => fail(new Error(String(get.error)));
      });
    try {
      const imports = await all<QueueState['imports'][number] & { finishedAt: number | null }>(
        'imports',
      );
      const files = await all<QueueState['files'][number]>('files');
      return {
        imports: imports.map(({ id, step, jobId, manifestClosed }) => ({
          id,
          step,
          jobId,
          manifestClosed,
        })),
        files: files.map(({ path, state, sent, entryId, uploadUrl, uploadedBytes }) => ({
          path,
          state,
          sent,
          entryId,
          uploadUrl,
          uploadedBytes,
        })),
      };
    } finally {
      db.close();
    }
  }, QUEUE_DB);
}

/** An unfinished tus upload in the server's DATA_DIR/uploads: bytes on disk of its length. */
interface ServerUpload {
  id: string;
  onDisk: number;
  length: number;
}

async function serverUploads(server: TestServer): Promise<ServerUpload[]> {
  const dir = join(server.dataDir, 'uploads');
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: ServerUpload[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const id = name.slice(0, -'.json'.length);
    try {
      const info = JSON.parse(await readFile(join(dir, name), 'utf8')) as { size?: number };
      const onDisk = (await stat(join(dir, id))).size;
      out.push({ id, onDisk, length: info.size ?? -1 });
    } catch {
      // Finished (and removed) between the listing and the read.
    }
  }
  return out;
}

/**
 * The page's errors and console lines, over every page of the test: the fixture watches the
 * first page, `watch` the pages opened after a kill.
 */
class PageWatch {
  readonly console: string[] = [];
  constructor(private readonly pageErrors: string[]) {}

  watch(page: Page, label: string): void {
    page.on('pageerror', (error) => this.pageErrors.push(`[${label}] ${error.stack ?? error}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        this.console.push(`[${label}] [${message.type()}] ${message.text()}`);
    });
  }

  async attach(testInfo: TestInfo): Promise<void> {
    if (this.console.length > 0)
      await testInfo.attach('console-after-kill.txt', {
        body: this.console.join('\n'),
        contentType: 'text/plain',
      });
  }
}

/**
 * Kills the wizard's page: its renderer crashes (no pagehide, no last write; the same as the
 * tab's process being killed), then the page is closed (`runBeforeUnload: false`). A bare
 * `page.close()` is gentler than a kill here: Chromium drops the upload throttling of a page
 * whose DevTools session goes away, so throttled uploads in flight were finished at full speed
 * before they were cancelled (the server then held every byte); a crashed renderer's requests
 * end where they are.
 */
async function killPage(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const crashed = new Promise<void>((done) => page.once('crash', () => done()));
  // The crash takes the target with it: the command is never answered.
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  await page.close({ runBeforeUnload: false });
}

/** A new page on /import in the same context: the reopened wizard. */
async function reopenWizard(
  context: BrowserContext,
  server: TestServer,
  watch: PageWatch,
  label: string,
  beforeLoad?: (page: Page) => Promise<void>,
): Promise<Page> {
  const page = await context.newPage();
  watch.watch(page, label);
  await beforeLoad?.(page);
  await page.goto(`${server.url}/import`);
  await expect(page.getByTestId('steps')).toBeVisible();
  return page;
}

/** Gives the reopened wizard its folder again through the reconnect panel. */
async function reconnect(page: Page, truth: Truth): Promise<void> {
  const panel = page.getByTestId('reconnect');
  await expect(panel, 'the reopened wizard asks for the folder again').toBeVisible();
  await chooseFolder(page, truth.folder, panel);
  await expect(panel).toHaveCount(0);
}

/** One line of what the wizard shows (step, notice, counters), for failure messages. */
async function describeWizard(page: Page): Promise<string> {
  if (page.isClosed()) return 'the page is closed';
  return page.evaluate(() => {
    const step = document.querySelector('[data-testid="steps"]')?.getAttribute('data-step');
    const parts = [`step=${step ?? '(none)'}`];
    for (const id of [
      'import-notice',
      'job-status',
      'upload-done',
      'upload-duplicates',
      'upload-waiting-count',
      'upload-failed',
      'job-totals',
      'progress-done',
      'reconnect',
    ]) {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (el) parts.push(`${id}="${(el.textContent ?? '').trim()}"`);
    }
    return parts.join(' ');
  });
}

/**
 * Waits for the wizard's summary. Fails early, saying why, when the page shows a refusal (a
 * notice that is not "waiting for the server") while nothing moves for STUCK_AFTER_MS.
 */
async function waitForSummary(page: Page, server: TestServer, what: string): Promise<void> {
  const deadline = Date.now() + FINISH_TIMEOUT_MS;
  let last = '';
  let since = Date.now();
  for (;;) {
    const state = await describeWizard(page);
    if (state.startsWith('step=summary')) return;
    if (state !== last) {
      last = state;
      since = Date.now();
    }
    // Stuck: a refusal on the page, or nothing left to upload, and nothing moving.
    const refused =
      state.includes('import-notice=') &&
      !/cannot be reached|Trying again|Failed to fetch|NetworkError/i.test(state);
    const nothingToGo = state.includes('upload-waiting-count="0 to go"');
    const stuck = (refused || nothingToGo) && Date.now() - since > STUCK_AFTER_MS;
    if (stuck || Date.now() > deadline) {
      throw new Error(
        `${what}: the wizard did not reach its summary ` +
          `(${stuck ? `stuck for ${STUCK_AFTER_MS / 1000} s with ${refused ? 'a refusal shown' : 'nothing left to upload'}` : `in ${FINISH_TIMEOUT_MS / 1000} s`}).\n` +
          `The page shows: ${state}\n` +
          `Last lines of the server log:\n${server.log().split('\n').slice(-25).join('\n')}`,
      );
    }
    await page.waitForTimeout(500);
  }
}

interface LibraryItem {
  id: string;
  path: string;
  content_hash: string;
  size_bytes: number;
}

async function authorized(server: TestServer, path: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
}

/** Every file of the library, over tRPC `library.list` (one page: the tests hold few). */
async function libraryItems(server: TestServer): Promise<{ items: LibraryItem[]; total: number }> {
  const input = encodeURIComponent(JSON.stringify({ limit: 500, sort: 'name' }));
  const res = await authorized(server, `/trpc/library.list?input=${input}`);
  const body = (await res.json()) as {
    result?: { data: { items: LibraryItem[]; total: number } };
  };
  if (!res.ok || !body.result)
    throw new Error(`library.list: ${res.status} ${JSON.stringify(body)}`);
  return body.result.data;
}

interface JobStatus {
  job_id: string;
  status: string;
  totals: Record<string, number>;
  errors: { path: string; reason: string }[];
  manifest_closed: boolean;
}

/**
 * The end of every test: the wizard's summary, the server's job and the library against the
 * truth. Soft assertions, so that a failure lists every count and file that is wrong.
 */
async function expectImportMatchesTruth(options: {
  page: Page;
  server: TestServer;
  truth: Truth;
  pageErrors: string[];
  what: string;
  snap: (name: string, target?: Page) => Promise<void>;
  restGet: (path: string) => Promise<unknown>;
  /** Jobs the flow legitimately made and left without a single entry (see the init test). */
  emptyJobs?: number;
}): Promise<void> {
  const { page, server, truth, pageErrors, what, snap, restGet, emptyJobs = 0 } = options;
  await test.step('the import reaches its summary', () => waitForSummary(page, server, what));
  await snap('summary', page);

  const counts = await summaryCounts(page);
  const rows = await readFileRows(page);
  const done = rows.filter((r) => r.state === 'done').map((r) => r.path);
  const notDone = rows.filter((r) => r.state !== 'done').map((r) => `${r.path}: ${r.state}`);
  const { jobs } = (await restGet('/api/v1/audio/bulk-import/jobs')) as { jobs: JobStatus[] };
  const statuses = await Promise.all(
    jobs.map((j) => restGet(`/api/v1/audio/bulk-import/${j.job_id}/status`) as Promise<JobStatus>),
  );
  const library = await libraryItems(server);
  const libraryPaths = library.items.map((i) => i.path);
  const stored = new Map<string, { sha256: string; size: number }>();
  for (const item of library.items) {
    const res = await authorized(server, `/api/v1/audio/files/${item.id}/content`);
    const bytes = Buffer.from(await res.arrayBuffer());
    stored.set(item.id, {
      sha256: res.ok ? sha256(bytes) : `HTTP ${res.status}`,
      size: bytes.length,
    });
  }

  await test.info().attach('end-state.json', {
    body: JSON.stringify({ counts, rows, statuses, library, stored: [...stored] }, null, 1),
    contentType: 'application/json',
  });

  expect.soft(counts, `${what}: the summary's counts`).toEqual({
    imported: FILES,
    duplicates: 0,
    skipped: 0,
    failed: 0,
  });
  expect.soft(notDone, `${what}: files of the wizard's table not imported`).toEqual([]);
  const claimedNotHeld = done.filter((p) => !libraryPaths.includes(p));
  expect
    .soft(
      claimedNotHeld,
      `${what}: files the wizard reports imported that the library does not hold`,
    )
    .toEqual([]);

  // One job: a wizard reopened, or a server restarted, goes on with the job it started.
  // `similar` counts kept entries again, so it is left out of the sum.
  const entries = (j: JobStatus) =>
    Object.entries(j.totals).reduce((sum, [k, n]) => (k === 'similar' ? sum : sum + n), 0);
  const empty = statuses.filter((j) => entries(j) === 0 && !j.manifest_closed);
  expect.soft(jobs.length, `${what}: import jobs on the server`).toBe(1 + emptyJobs);
  expect
    .soft(
      empty.map((j) => j.job_id),
      `${what}: jobs left without an entry`,
    )
    .toHaveLength(emptyJobs);
  for (const status of statuses.filter((j) => !empty.includes(j))) {
    expect
      .soft(
        { status: status.status, totals: status.totals, errors: status.errors },
        `${what}: job ${status.job_id} over REST`,
      )
      .toEqual({
        status: 'completed',
        totals: {
          queued: 0,
          processing: 0,
          completed: FILES,
          duplicates: 0,
          failed: 0,
          similar: 0,
        },
        errors: [],
      });
  }
  await expect
    .soft(page.getByTestId('job-status'), `${what}: the summary's job status`)
    .toHaveAttribute('data-status', 'completed');

  expect.soft(library.total, `${what}: library.list total`).toBe(FILES);
  for (const path of truth.paths) {
    const copies = library.items.filter((i) => i.path === path);
    expect.soft(copies.length, `${what}: copies of ${path} in the library`).toBe(1);
    for (const copy of copies) {
      const got = stored.get(copy.id)!;
      expect
        .soft(
          got,
          `${what}: the stored bytes of ${path} (file ${copy.id}) against the file on disk`,
        )
        .toEqual({ sha256: truth.sha256.get(path), size: truth.size.get(path) });
    }
  }
  const strangers = libraryPaths.filter((p) => !truth.paths.includes(p));
  expect.soft(strangers, `${what}: library files that are none of the picked files`).toEqual([]);
  expect.soft(pageErrors, `${what}: errors of the pages`).toEqual([]);
}

/** Waits until `server` dies at its failpoint; fails saying so when it does not. */
async function expectServerKilledAt(server: TestServer, failpoint: string): Promise<void> {
  const exit = await Promise.race([
    server.exited(),
    new Promise<null>((done) => setTimeout(() => done(null), FAILPOINT_TIMEOUT_MS)),
  ]);
  if (exit === null) {
    throw new Error(
      `the server started with SM_FAILPOINT=${failpoint} did not die in ${FAILPOINT_TIMEOUT_MS / 1000} s ` +
        `while the wizard imported: does this build implement the failpoint ${failpoint}?\n` +
        `Last lines of its log:\n${server.log().split('\n').slice(-15).join('\n')}`,
    );
  }
  expect(exit, `how the server started with SM_FAILPOINT=${failpoint} ended`).toEqual({
    code: null,
    signal: 'SIGKILL',
  });
  expect(server.log(), 'the server says it stopped at its failpoint').toContain(
    `failpoint ${failpoint}: killing process`,
  );
}

/** Tus creation POSTs (by entry id) and HEADs the page sent, per page lifetime. */
class TusWatch {
  readonly creations: { entryId: string; lifetime: number }[] = [];
  readonly heads: { upload: string; lifetime: number }[] = [];

  watch(page: Page, lifetime: number): void {
    page.on('request', (request: Request) => {
      if (!isTusRequest(request.url())) return;
      const path = new URL(request.url()).pathname;
      if (request.method() === 'POST' && path === '/api/v1/uploads') {
        const metadata = request.headers()['upload-metadata'] ?? '';
        const encoded = /(?:^|,)\s*entry_id ([^,\s]+)/.exec(metadata)?.[1] ?? '';
        this.creations.push({
          entryId: Buffer.from(encoded, 'base64').toString('utf8'),
          lifetime,
        });
      } else if (request.method() === 'HEAD') {
        this.heads.push({ upload: path.split('/').pop() ?? '', lifetime });
      }
    });
  }
}

test.describe('the wizard killed', () => {
  test('during analysis: the reopened wizard keeps what was analysed and finishes', async ({
    page,
    context,
    server,
    workDir,
    snap,
    pageErrors,
    restGet,
  }, testInfo) => {
    // The last two files are long: they are still being analysed when the short ones are saved.
    const truth = await writeTruth(workDir, [
      ...Array.from({ length: FILES - 2 }, () => DURATION_S),
      LONG_S,
      LONG_S,
    ]);
    const watch = new PageWatch(pageErrors);
    let keptAnalysed = 0;

    await test.step('kill the page with some files analysed, not all', async () => {
      await waitForStep(page, 'choose');
      await chooseFolder(page, truth.folder);
      await expect(page.getByTestId('chosen-summary')).toContainText(`${FILES} files`);
      await page.getByTestId('start-analysis').click();
      await waitForStep(page, 'analyse');
      // Some analysed files are in IndexedDB (written every 400 ms), and the analysis goes on.
      await expect
        .poll(
          async () => (await readQueue(page)).files.filter((f) => f.state !== 'discovered').length,
          { timeout: 60_000, intervals: [50] },
        )
        .toBeGreaterThan(0);
      await killPage(page);
    });

    const reopened = await reopenWizard(context, server, watch, 'reopened');
    await test.step('the reopened wizard shows the analysis where it stopped', async () => {
      // What the killed page had saved: the reopened wizard shows it, and reads only the rest.
      await expect(reopened.getByTestId('steps')).toBeVisible();
      const queue = await readQueue(reopened);
      keptAnalysed = queue.files.filter((f) => f.state !== 'discovered').length;
      testInfo.annotations.push({
        type: 'files analysed before the kill',
        description: `${keptAnalysed} of ${FILES}`,
      });
      expect(keptAnalysed, 'files analysed (and saved) when the page was killed').toBeGreaterThan(
        0,
      );
      expect(keptAnalysed, 'the analysis was still running when the page was killed').toBeLessThan(
        FILES,
      );
      await waitForStep(reopened, 'analyse');
      // Every file is still to be read: the analysed ones for their upload.
      await expect(reopened.getByTestId('reconnect')).toContainText(
        `${FILES} files still need to be read`,
      );
      await expect(reopened.getByTestId('progress-done')).toHaveText(String(keptAnalysed));
      await snap('reopened', reopened);
    });

    await test.step('give the folder again: analysis, then the upload, finish', async () => {
      await reconnect(reopened, truth);
      await waitForStep(reopened, 'duplicates', 120_000);
      await expect(reopened.getByTestId('no-duplicates')).toBeVisible();
      await reopened.getByTestId('start-upload').click();
      await expectImportMatchesTruth({
        page: reopened,
        server,
        truth,
        pageErrors,
        what: 'killed during analysis',
        snap,
        restGet,
      });
    });
    await watch.attach(testInfo);
  });

  test("with the init call's answer in flight: the reopened wizard makes another job and finishes", async ({
    page,
    context,
    server,
    workDir,
    snap,
    pageErrors,
    restGet,
  }, testInfo) => {
    const truth = await writeTruth(workDir);
    const watch = new PageWatch(pageErrors);

    await test.step('the server makes the job; the page dies before it reads the answer', async () => {
      let made!: (status: number) => void;
      const answered = new Promise<number>((done) => (made = done));
      await page.route('**/trpc/**', async (route) => {
        if (!route.request().url().includes('bulkImport.init')) return route.continue();
        const response = await route.fetch();
        made(response.status()); // …and the page never sees the answer.
      });
      await analyseFolder(page, truth.folder, FILES);
      await page.getByTestId('start-upload').click();
      await waitForStep(page, 'upload');
      expect(await answered, 'the status of the answer to the init call').toBe(200);
      // The upload step is saved: the reopened page resumes the upload, not the duplicates.
      await expect.poll(async () => (await readQueue(page)).imports[0]?.step).toBe('upload');
      await snap('init-answer-in-flight');
      await killPage(page);
    });

    const reopened = await reopenWizard(context, server, watch, 'reopened');
    await test.step('the reopened wizard is at the upload; give the folder again', async () => {
      await waitForStep(reopened, 'upload');
      await snap('reopened', reopened);
      await reconnect(reopened, truth);
    });

    await expectImportMatchesTruth({
      page: reopened,
      server,
      truth,
      pageErrors,
      what: 'killed with the answer to init in flight',
      snap,
      restGet,
      // The page never learnt the first job's id, so it made another: the first holds nothing.
      // (It stays "queued" on the server: nothing ends or removes an empty job.)
      emptyJobs: 1,
    });
    await watch.attach(testInfo);
  });

  test('after the manifest was answered, before any upload: the reopened wizard uploads each file once', async ({
    page,
    context,
    server,
    workDir,
    snap,
    pageErrors,
    restGet,
  }, testInfo) => {
    const truth = await writeTruth(workDir);
    const watch = new PageWatch(pageErrors);
    const tus = new TusWatch();
    tus.watch(page, 1);

    await test.step('hold the uploads; kill the page once the manifest is answered', async () => {
      const held: Route[] = [];
      // The tus requests never reach the server: the page dies before any byte is sent.
      await page.route(
        (url) => isTusRequest(url.href),
        (route) => void held.push(route),
      );
      await analyseFolder(page, truth.folder, FILES);
      await page.getByTestId('start-upload').click();
      await waitForStep(page, 'upload');
      await expect
        .poll(async () => {
          const q = await readQueue(page);
          return {
            manifestClosed: q.imports[0]?.manifestClosed ?? false,
            withEntry: q.files.filter((f) => f.sent && f.entryId).length,
          };
        })
        .toEqual({ manifestClosed: true, withEntry: FILES });
      await expect.poll(() => held.length, 'uploads were started (and held)').toBeGreaterThan(0);
      await snap('manifest-answered');
      expect(await serverUploads(server), 'no upload reached the server').toEqual([]);
      await killPage(page);
    });

    const reopened = await reopenWizard(context, server, watch, 'reopened');
    tus.watch(reopened, 2);
    await test.step('the reopened wizard is at the upload; give the folder again', async () => {
      await waitForStep(reopened, 'upload');
      await expect(reopened.getByTestId('reconnect')).toContainText(
        `${FILES} files still need to be read`,
      );
      await snap('reopened', reopened);
      await reconnect(reopened, truth);
    });

    await expectImportMatchesTruth({
      page: reopened,
      server,
      truth,
      pageErrors,
      what: 'killed after the manifest was answered',
      snap,
      restGet,
    });
    const created = tus.creations.filter((c) => c.lifetime === 2).map((c) => c.entryId);
    expect(created.length, 'creation POSTs of the reopened wizard: one per file').toBe(FILES);
    expect(new Set(created).size, 'no file created twice').toBe(FILES);
    await watch.attach(testInfo);
  });

  test("with the manifest's answer in flight: the reopened wizard goes on with the job", async ({
    page,
    context,
    server,
    workDir,
    snap,
    pageErrors,
    restGet,
  }, testInfo) => {
    const truth = await writeTruth(workDir);
    const watch = new PageWatch(pageErrors);

    await test.step('the server commits the manifest; the page dies before it reads the answer', async () => {
      let committed!: (status: number) => void;
      const answered = new Promise<number>((done) => (committed = done));
      await page.route('**/trpc/**', async (route) => {
        if (!route.request().url().includes('bulkImport.ingest')) return route.continue();
        const response = await route.fetch();
        committed(response.status()); // …and the page never sees the answer.
      });
      await analyseFolder(page, truth.folder, FILES);
      await page.getByTestId('start-upload').click();
      await waitForStep(page, 'upload');
      expect(await answered, 'the status of the answer to the ingest call').toBe(200);
      const { jobs } = (await restGet('/api/v1/audio/bulk-import/jobs')) as { jobs: JobStatus[] };
      expect(
        jobs.map((j) => j.manifest_closed),
        'the server closed the manifest',
      ).toEqual([true]);
      const queue = await readQueue(page);
      expect(queue.imports[0]?.manifestClosed, 'the page does not know it').toBe(false);
      await snap('answer-in-flight');
      await killPage(page);
    });

    const reopened = await reopenWizard(context, server, watch, 'reopened');
    await test.step('the reopened wizard is at the upload; give the folder again', async () => {
      await waitForStep(reopened, 'upload');
      await snap('reopened', reopened);
      await reconnect(reopened, truth);
    });

    await expectImportMatchesTruth({
      page: reopened,
      server,
      truth,
      pageErrors,
      what: "killed with the manifest's answer in flight",
      snap,
      restGet,
    });
    await watch.attach(testInfo);
  });

  test('mid-upload, a file partly on the server: the reopened wizard resumes it', async ({
    page,
    context,
    server,
    workDir,
    snap,
    pageErrors,
    restGet,
  }, testInfo) => {
    const truth = await writeTruth(workDir);
    const watch = new PageWatch(pageErrors);
    const tus = new TusWatch();
    tus.watch(page, 1);
    let partial: ServerUpload[] = [];
    /** The entry of each partial upload (its saved upload URL ends with the upload's id). */
    const entryOf = new Map<string, string>();

    await test.step('kill the page with a file stored and others partly uploaded', async () => {
      await analyseFolder(page, truth.folder, FILES);
      await throttleUploads(page, UPLOAD_BYTES_PER_S);
      await page.getByTestId('start-upload').click();
      await waitForStep(page, 'upload');
      await expect
        .poll(() => uploadCounter(page, 'upload-done'), { timeout: 60_000 })
        .toBeGreaterThan(0);
      await snap('mid-upload');
      // A partial upload whose URL the page has saved (so the reopened page can resume it), far
      // enough from its end that it is still partial when the page dies a moment later: on a
      // loaded machine, one that lacked a few KB had finished by then.
      await expect
        .poll(
          async () => {
            const files = (await readQueue(page)).files;
            partial = (await serverUploads(server)).filter((u) => {
              const file = files.find((f) => f.uploadUrl?.endsWith(`/${u.id}`));
              if (file?.entryId) entryOf.set(u.id, file.entryId);
              const left = u.length - u.onDisk;
              return u.onDisk > 0 && left >= PARTIAL_MARGIN_BYTES && file !== undefined;
            });
            return partial.length;
          },
          { timeout: 30_000, intervals: [100] },
        )
        .toBeGreaterThan(0);
      await killPage(page);
      // What the dead page left partly uploaded (one may have ended in the instant before).
      partial = (await serverUploads(server)).filter(
        (u) => entryOf.has(u.id) && u.onDisk < u.length,
      );
      expect(partial.length, 'uploads left partly on the server by the kill').toBeGreaterThan(0);
    });

    const reopened = await reopenWizard(context, server, watch, 'reopened');
    tus.watch(reopened, 2);
    await test.step('the reopened wizard is at the upload; give the folder again', async () => {
      await waitForStep(reopened, 'upload');
      await snap('reopened', reopened);
      await reconnect(reopened, truth);
    });

    await expectImportMatchesTruth({
      page: reopened,
      server,
      truth,
      pageErrors,
      what: 'killed mid-upload',
      snap,
      restGet,
    });
    // A partial upload whose URL the page had saved is resumed from the server's offset (HEAD),
    // not made again. (An upload made in the instant before the kill, its URL not yet saved,
    // may legitimately be made again: at most once per page lifetime.)
    for (const upload of partial) {
      const entryId = entryOf.get(upload.id);
      const what = `the partial upload ${upload.id} of entry ${entryId} (${upload.onDisk} of ${upload.length} bytes)`;
      expect
        .soft(
          tus.heads.some((h) => h.lifetime === 2 && h.upload === upload.id),
          `${what}: resumed by the reopened wizard (HEAD)`,
        )
        .toBe(true);
      expect
        .soft(
          tus.creations.filter((c) => c.entryId === entryId && c.lifetime === 2),
          `${what}: made again by the reopened wizard`,
        )
        .toEqual([]);
    }
    for (const entryId of new Set(tus.creations.map((c) => c.entryId))) {
      for (const lifetime of [1, 2]) {
        const made = tus.creations.filter((c) => c.entryId === entryId && c.lifetime === lifetime);
        expect
          .soft(made.length, `creation POSTs of entry ${entryId} in page lifetime ${lifetime}`)
          .toBeLessThanOrEqual(1);
      }
    }
    await watch.attach(testInfo);
  });

  test('after the server stored every file, before the page heard of the last: the reopened wizard ends by itself', async ({
    page,
    context,
    server,
    workDir,
    snap,
    pageErrors,
    restGet,
  }, testInfo) => {
    const truth = await writeTruth(workDir);
    const watch = new PageWatch(pageErrors);
    /** The page hears how the first uploads ended, not the last (three run at a time). */
    const heard = FILES - 3;

    await test.step('the server stores every file; the page hears of the first ones, and dies', async () => {
      // The live feed says nothing to this page, and the answers to the last PATCHes are held
      // after the server gave them: the server has every byte, the page does not know it.
      await page.routeWebSocket(/\/trpc$/, () => undefined);
      await page.reload(); // WebSocket routes take effect in documents loaded after them
      const answers: string[] = [];
      await page.route(
        (url) => isTusRequest(url.href),
        async (route) => {
          if (route.request().method() !== 'PATCH') return route.continue();
          const response = await route.fetch();
          answers.push(`${response.status()} ${response.headers()['x-entry-state'] ?? ''}`);
          if (answers.length <= heard) await route.fulfill({ response });
        },
      );
      await analyseFolder(page, truth.folder, FILES);
      await page.getByTestId('start-upload').click();
      await waitForStep(page, 'upload');
      await expect
        .poll(
          async () =>
            ((await restGet('/api/v1/audio/bulk-import/jobs')) as { jobs: JobStatus[] }).jobs[0]
              ?.totals.completed,
          { timeout: 60_000, message: 'the server stores every file' },
        )
        .toBe(FILES);
      await expect
        .poll(() => uploadCounter(page, 'upload-done'), {
          message: 'files the page knows imported',
        })
        .toBe(heard);
      expect(answers, 'the PATCH answers the server gave').toEqual(
        Array.from({ length: FILES }, () => '204 done'),
      );
      await snap('stored-unheard');
      await killPage(page);
    });

    // The reopened page's live feed is slow (each event 3 s late): the page first finds files
    // to upload it has no bytes of, then hears that the server holds them all.
    let fed!: () => void;
    const feedSpoke = new Promise<void>((done) => (fed = done));
    const reopened = await reopenWizard(context, server, watch, 'reopened', async (p) => {
      await p.routeWebSocket(/\/trpc$/, (ws) => {
        const toServer = ws.connectToServer();
        toServer.onMessage((message) =>
          setTimeout(() => {
            ws.send(message);
            if (String(message).includes('bulk_import.update')) fed();
          }, 3_000),
        );
      });
    });
    await test.step('the reopened wizard learns every file is stored, and finishes', async () => {
      await snap('reopened', reopened);
      // Once the feed has spoken nothing is left to read: the wizard must end by itself.
      await feedSpoke;
      await expect
        .poll(
          async () =>
            (await reopened.getByTestId('steps').getAttribute('data-step')) !== 'upload' ||
            (await reopened.getByTestId('reconnect').count()) === 0,
          { message: 'the wizard stops asking for the folder once every file is stored' },
        )
        .toBe(true);
    });
    await expectImportMatchesTruth({
      page: reopened,
      server,
      truth,
      pageErrors,
      what: 'killed after the server stored every file, before the page heard',
      snap,
      restGet,
    });
    await watch.attach(testInfo);
  });
});

/** Each failpoint of the server, where the import is when it is reached. */
const SERVER_POINTS = [
  {
    failpoint: 'server:ingest-committed',
    when: 'a manifest batch is committed, its answer not sent',
  },
  {
    failpoint: 'server:upload-complete',
    when: 'every byte of an upload is on disk, the commit not begun',
  },
  {
    failpoint: 'server:commit',
    when: 'inside the commit: the object written, the database not committed',
  },
  {
    failpoint: 'server:committed',
    when: 'the commit durable, the answer to the last PATCH not sent',
  },
] as const;

test.describe('the server killed', () => {
  for (const { failpoint, when } of SERVER_POINTS) {
    test.describe(failpoint, () => {
      test.use({ serverEnv: { SM_FAILPOINT: failpoint } });

      test(`${when}: restarted, the same page finishes the import`, async ({
        page,
        server,
        workDir,
        snap,
        pageErrors,
        restGet,
      }) => {
        const truth = await writeTruth(workDir);

        await test.step('import until the server dies at its failpoint', async () => {
          await analyseFolder(page, truth.folder, FILES);
          await page.getByTestId('start-upload').click();
          await waitForStep(page, 'upload');
          await expectServerKilledAt(server, failpoint);
          await snap('server-dead');
        });

        await test.step('restart the server without the failpoint', async () => {
          await server.restart();
        });

        await expectImportMatchesTruth({
          page,
          server,
          truth,
          pageErrors,
          what: `server killed at ${failpoint}`,
          snap,
          restGet,
        });
      });
    });
  }
});
