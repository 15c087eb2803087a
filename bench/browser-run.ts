/**
 * One measured analysis of a folder in the web app: headless Chromium signs in to a running
 * server, picks the folder on /import, clicks "start analysis" and waits until the wizard
 * reaches its duplicates step. Samples the Chromium processes' memory every 500 ms and the
 * page's JS heap at each quarter of the files; the page records its own long tasks.
 */
import { basename } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { installProbe, PROBE, type LongFrame, type ProbeState } from './browser-probe.js';
import { childrenOf, sampleTree, type TreeSample } from './process-tree.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** The localStorage key the app reads its number of analysis workers from. */
const WORKERS_SETTING = 'sm-import:workers';
const SAMPLE_MS = 500;

const open = new Set<Browser>();

/** Closes the browsers still open (the benchmark is stopping). */
export async function closeBrowsers(): Promise<void> {
  await Promise.all([...open].map((b) => b.close().catch(() => undefined)));
}

export interface BrowserRunOptions {
  serverUrl: string;
  token: string;
  dir: string;
  /** localStorage[WORKERS_SETTING] before the app loads; null leaves the app's default. */
  workers: number | null;
  /** Fails the run when no file finishes for this long. */
  stallS: number;
  executablePath: string;
  /**
   * What to do in the page once the wizard reached its duplicates step, before the browser
   * closes (the memory sampler still running): e.g. the upload and a second import.
   */
  afterAnalysis?: (session: BrowserSession) => Promise<void>;
}

/** The page of a run, for {@link BrowserRunOptions.afterAnalysis}. */
export interface BrowserSession {
  page: Page;
  cdp: CDPSession;
  /** Reads the Chromium process tree now (its peaks count in the run's); null off Linux. */
  sample(): Promise<TreeSample | null>;
  /** The page's JS heap in bytes (after a forced GC when `collect`). */
  heap(collect: boolean): Promise<number>;
  /** The highest RSS and PSS sums read since the run began or the last {@link resetPeaks}. */
  peaks(): { rssBytes: number | null; pssBytes: number | null };
  resetPeaks(): void;
  /** Whether the page crashed, and its uncaught exceptions so far. */
  crashed(): boolean;
  uncaughtErrors: string[];
}

/** A long task after the click, with the script that ran longest in its frame. */
export interface LongTaskNote {
  atS: number;
  phase: 'before the first file' | 'flowing' | 'end and duplicate check';
  durationMs: number;
  cause: string;
}

export interface BrowserRunResult {
  chromium: string;
  files: number;
  /** performance.now() (this process) when the folder was set on the folder input. */
  pickStartedAt: number;
  /** Setting the folder until "start analysis" shows (the page lists the files). */
  pickMs: number;
  /** Click on "start analysis" to the first file analysed, to all, and to the duplicates step. */
  firstFileMs: number;
  wallMs: number;
  untilDuplicatesMs: number;
  /** CPU seconds of the Chromium processes from the click until every file was analysed. */
  cpuS: number | null;
  /** CPU seconds the Chromium processes had used at the click on "start analysis". */
  cpuAtClickS: number | null;
  peakRssBytes: number | null;
  peakPssBytes: number | null;
  /** Most analysis workers the page had at once. */
  workers: number;
  /** Longest time without a file finishing, from the first file to the last. */
  longestGapMs: number;
  /** Files per second over the first and the last quarter of the files. */
  quarterRates: [number, number];
  /**
   * Long tasks from the click to the first file analysed; while files flow (from the first file
   * to the last progress figure before "all done": the page shows figures up to 200 ms late, so
   * the duplicate check may already run before it shows the last); and from there to the
   * duplicates step.
   */
  longTasks: {
    beforeFirst: TaskWindow;
    flowing: TaskWindow;
    duplicateCheck: TaskWindow;
  };
  topTasks: LongTaskNote[];
  framesSupported: boolean;
  /** JSHeapUsedSize (bytes) at 25, 50, 75 and 100 % of the files, as sampled (no forced GC). */
  heapAtQuarters: number[];
  /** RSS (bytes) summed over the Chromium processes at 25, 50, 75 and 100 % of the files. */
  rssAtQuarters: (number | null)[];
  /** JSHeapUsedSize after a forced GC: before the click, and at the duplicates step. */
  heapAfterGc: { before: number; after: number };
  /** Uncaught exceptions and console errors of the page. */
  pageErrors: string[];
  /** Uncaught exceptions only (`pageerror`). */
  uncaughtErrors: string[];
  /** Whether the page crashed (`crash`). */
  crashed: boolean;
}

/** Long tasks (over 50 ms) that started within a stretch of the run. */
export interface TaskWindow {
  count: number;
  longestMs: number;
}

async function jsHeap(cdp: CDPSession, collect: boolean): Promise<number> {
  if (collect) await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
}

const readFigures = (page: Page) =>
  page.evaluate((name) => {
    const probe = (window as unknown as Record<string, ProbeState>)[name]!;
    return { last: probe.progress.at(-1) ?? null, step: probe.steps.at(-1)?.[1] ?? '' };
  }, PROBE);

function tasksIn(probe: ProbeState, from: number, to: number): TaskWindow {
  const tasks = probe.longTasks.filter(
    (t) => t.startMs >= from && t.startMs < to && t.durationMs > 50,
  );
  return { count: tasks.length, longestMs: Math.max(0, ...tasks.map((t) => t.durationMs)) };
}

/** The script that ran longest in the long animation frame holding `atMs`, in words. */
function causeOf(frames: LongFrame[], atMs: number): string {
  const frame = frames.find((f) => f.startMs <= atMs && atMs < f.startMs + f.durationMs);
  if (!frame) return 'no long-animation-frame entry';
  const script = [...frame.scripts].sort((a, b) => b.durationMs - a.durationMs)[0];
  const render = `style/layout ${frame.renderMs.toFixed(0)} ms`;
  if (!script) return `no script; ${render}`;
  const where = `${script.fn || '(anonymous)'} @ ${basename(script.source) || '?'}:${script.charPosition}`;
  return `${script.invoker} → ${where} ${script.durationMs.toFixed(0)} ms; ${render}`;
}

/** Runs the analysis of `dir` in a new headless Chromium and measures it (see the module). */
export async function browserRun(options: BrowserRunOptions): Promise<BrowserRunResult> {
  const before = new Set((await childrenOf(process.pid)).map((c) => c.pid));
  const browser = await chromium.launch({
    executablePath: options.executablePath,
    args: CHROMIUM_ARGS,
    // The benchmark's own handlers close the browser, then the server: Playwright's would exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  open.add(browser);
  let sampler: ReturnType<typeof setInterval> | null = null;
  try {
    // The browser process Playwright just started: a new child of this process.
    const launched = (await childrenOf(process.pid)).filter(
      (c) => !before.has(c.pid) && c.command.includes('chrom'),
    );
    const root = launched.length === 1 ? launched[0]!.pid : null;
    let peakRss: number | null = null;
    let peakPss: number | null = null;
    // Peaks since the caller's last reset (the whole run's are kept apart).
    let sinceRss: number | null = null;
    let sincePss: number | null = null;
    const sample = async () => {
      const tree = root === null ? null : await sampleTree(root);
      if (tree) {
        peakRss = Math.max(peakRss ?? 0, tree.rssBytes);
        peakPss = Math.max(peakPss ?? 0, tree.pssBytes);
        sinceRss = Math.max(sinceRss ?? 0, tree.rssBytes);
        sincePss = Math.max(sincePss ?? 0, tree.pssBytes);
      }
      return tree;
    };
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    if (options.workers !== null) {
      await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
        WORKERS_SETTING,
        String(options.workers),
      ] as const);
    }
    await context.addInitScript(installProbe);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    const uncaughtErrors: string[] = [];
    let crashed = false;
    page.on('pageerror', (e) => {
      pageErrors.push(e.message);
      uncaughtErrors.push(e.message);
    });
    page.on('crash', () => {
      crashed = true;
      pageErrors.push('the page crashed');
    });
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    sampler = setInterval(() => void sample(), SAMPLE_MS);

    // The sign-in link sets the session cookie and redirects to /import.
    await page.goto(`${options.serverUrl}/import?token=${encodeURIComponent(options.token)}`);
    await page.waitForURL(/\/import$/);
    // The service worker precaches the app on a first visit: let that finish before measuring.
    await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker?.ready,
        new Promise((resolve) => setTimeout(resolve, 60_000)),
      ]),
    );
    const pickStartedAt = performance.now();
    await page.getByTestId('folder-input').setInputFiles(options.dir);
    await page.getByTestId('start-analysis').waitFor({ timeout: 300_000 });
    const pickMs = performance.now() - pickStartedAt;

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapBefore = await jsHeap(cdp, true);
    const cpuBefore = (await sample())?.cpuS ?? null;
    let cpuAfter: number | null = null;
    let workers = 0;
    const heapAtQuarters: number[] = [];
    const rssAtQuarters: (number | null)[] = [];

    await page.getByTestId('start-analysis').click();
    let lastDone = -1;
    let lastChange = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      const analysing = page.workers().filter((w) => w.url().includes('analysis'));
      workers = Math.max(workers, analysing.length);
      const { last, step } = await readFigures(page);
      const [, done, total] = last ?? [0, 0, 0];
      while (
        total > 0 &&
        heapAtQuarters.length < 4 &&
        done >= (total * (heapAtQuarters.length + 1)) / 4
      ) {
        const heap = await jsHeap(cdp, false);
        const rss = (await sample())?.rssBytes ?? null;
        // One sample can cross several quarters at once (a fast burst): each gets it.
        heapAtQuarters.push(heap);
        rssAtQuarters.push(rss);
      }
      if (total > 0 && done === total && cpuAfter === null)
        cpuAfter = (await sample())?.cpuS ?? null;
      if (step === 'duplicates') break;
      if (crashed) throw new Error(`the page crashed at ${done}/${total} files (step ${step})`);
      if (done !== lastDone) {
        lastDone = done;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > options.stallS * 1000) {
        throw new Error(
          `no progress for ${options.stallS} s at ${done}/${total} files (step ${step}); ` +
            `page errors: ${pageErrors.slice(-5).join(' | ') || 'none'}`,
        );
      }
    }
    const heapAfter = await jsHeap(cdp, true);
    const probe = await page.evaluate(
      (name) => (window as unknown as Record<string, ProbeState>)[name]!,
      PROBE,
    );
    await options.afterAnalysis?.({
      page,
      cdp,
      sample,
      heap: (collect) => jsHeap(cdp, collect),
      peaks: () => ({ rssBytes: sinceRss, pssBytes: sincePss }),
      resetPeaks: () => {
        sinceRss = null;
        sincePss = null;
      },
      crashed: () => crashed,
      uncaughtErrors,
    });
    return summarise(probe, {
      chromium: browser.version(),
      pickStartedAt,
      pickMs,
      cpuS: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
      cpuAtClickS: cpuBefore,
      peakRssBytes: peakRss,
      peakPssBytes: peakPss,
      workers,
      heapAtQuarters,
      rssAtQuarters,
      heapAfterGc: { before: heapBefore, after: heapAfter },
      pageErrors,
      uncaughtErrors,
      crashed,
    });
  } finally {
    if (sampler) clearInterval(sampler);
    open.delete(browser);
    await browser.close();
  }
}

function summarise(
  probe: ProbeState,
  measured: Omit<
    BrowserRunResult,
    | 'files'
    | 'firstFileMs'
    | 'wallMs'
    | 'untilDuplicatesMs'
    | 'longestGapMs'
    | 'quarterRates'
    | 'longTasks'
    | 'topTasks'
    | 'framesSupported'
  >,
): BrowserRunResult {
  const clickAt = probe.clickAt;
  if (clickAt === null) throw new Error('the click on start-analysis was not seen by the page');
  const after = probe.progress.filter(([t]) => t >= clickAt);
  const first = after.find(([, done]) => done > 0);
  const all = after.find(([, done, total]) => total > 0 && done === total);
  const duplicates = probe.steps.find(([t, step]) => t >= clickAt && step === 'duplicates');
  if (!first || !all || !duplicates) throw new Error('the page did not record the whole run');
  const files = all[2];
  let longestGapMs = 0;
  const flowing = after.filter(([t]) => t >= first[0] && t <= all[0]);
  for (let i = 1; i < flowing.length; i++) {
    longestGapMs = Math.max(longestGapMs, flowing[i]![0] - flowing[i - 1]![0]);
  }
  // Files per second over a quarter: the time between the progress figures crossing its ends.
  const timeAt = (n: number) => after.find(([, done]) => done >= n)?.[0] ?? clickAt;
  const quarter = Math.max(1, Math.round(files / 4));
  const quarterRates: [number, number] = [
    quarter / ((timeAt(quarter) - clickAt) / 1000),
    quarter / ((all[0] - timeAt(files - quarter)) / 1000),
  ];
  const flowEnd = Math.max(first[0], after.filter(([t]) => t < all[0]).at(-1)?.[0] ?? 0);
  const phase = (ms: number): LongTaskNote['phase'] =>
    ms < first[0] ? 'before the first file' : ms < flowEnd ? 'flowing' : 'end and duplicate check';
  const topTasks = probe.longTasks
    .filter((t) => t.startMs >= clickAt && t.startMs <= duplicates[0])
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 8)
    .sort((a, b) => a.startMs - b.startMs)
    .map((t) => ({
      atS: (t.startMs - clickAt) / 1000,
      phase: phase(t.startMs),
      durationMs: t.durationMs,
      cause: causeOf(probe.frames, t.startMs),
    }));
  return {
    ...measured,
    files,
    firstFileMs: first[0] - clickAt,
    wallMs: all[0] - clickAt,
    untilDuplicatesMs: duplicates[0] - clickAt,
    longestGapMs,
    quarterRates,
    longTasks: {
      beforeFirst: tasksIn(probe, clickAt, first[0]),
      flowing: tasksIn(probe, first[0], flowEnd),
      duplicateCheck: tasksIn(probe, flowEnd, duplicates[0] + 1),
    },
    topTasks,
    framesSupported: probe.framesSupported,
  };
}
