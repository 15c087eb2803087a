import { expect, type Locator, type Page } from '@playwright/test';

/** The wizard's steps, as `steps` shows them in data-step. */
export type Step = 'choose' | 'analyse' | 'duplicates' | 'upload' | 'summary';

/** What one `file-row` of the wizard's table says. */
export interface FileRow {
  path: string;
  state: string;
  kind: string;
  bpm: number | null;
  key: string;
  durationS: number | null;
  /** data-duplicate: what the file is a duplicate of ('' when none). */
  duplicate: string;
  /** data-duplicate-ref: the selection's path or the library's asset id it repeats ('' when none). */
  duplicateRef: string;
  /** The `?` after the BPM: a tempo worth a second listen. */
  bpmUnsure: boolean;
}

/** Analysis of the fixtures takes seconds; a slow machine gets a generous margin. */
export const ANALYSIS_TIMEOUT_MS = 120_000;
export const UPLOAD_TIMEOUT_MS = 120_000;

/** Sets a folder on the webkitdirectory input (of the page, or of `scope`, e.g. `reconnect`). */
export async function chooseFolder(page: Page, folder: string, scope?: Locator): Promise<void> {
  await (scope ?? page).getByTestId('folder-input').setInputFiles(folder);
}

export async function waitForStep(page: Page, step: Step, timeout = 30_000): Promise<void> {
  await expect(page.getByTestId('steps')).toHaveAttribute('data-step', step, { timeout });
}

/** Opens the wizard on an empty import: choose a folder, analyse it, wait for the duplicates. */
export async function analyseFolder(page: Page, folder: string, files: number): Promise<void> {
  await waitForStep(page, 'choose');
  await chooseFolder(page, folder);
  await expect(page.getByTestId('chosen-summary')).toContainText(`${files} files`);
  await page.getByTestId('start-analysis').click();
  await waitForStep(page, 'duplicates', ANALYSIS_TIMEOUT_MS);
}

function numberOrNull(text: string | undefined): number | null {
  return text === undefined || text === '' ? null : Number(text);
}

/**
 * Every row of the wizard's file table. The table is virtualised (only rows in view are in the
 * page), so this scrolls it from top to bottom and collects the rows as they appear.
 */
export async function readFileRows(page: Page): Promise<FileRow[]> {
  const table = page.getByRole('table', { name: 'Files of this import' });
  const raw = await table.evaluate(async (element) => {
    const settle = () =>
      new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 50)));
    const seen = new Map<string, Record<string, string | undefined>>();
    element.scrollTop = 0;
    await settle();
    for (;;) {
      for (const row of element.querySelectorAll<HTMLElement>('[data-testid="file-row"]'))
        seen.set(row.dataset.path ?? '', { ...row.dataset });
      if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) break;
      element.scrollTop += Math.max(1, Math.floor(element.clientHeight / 2));
      await settle();
    }
    element.scrollTop = 0;
    return [...seen.values()];
  });
  return raw.map((d) => ({
    path: d.path ?? '',
    state: d.state ?? '',
    kind: d.kind ?? '',
    bpm: numberOrNull(d.bpm),
    key: d.key ?? '',
    durationS: numberOrNull(d.duration),
    duplicate: d.duplicate ?? '',
    duplicateRef: d.duplicateRef ?? '',
    bpmUnsure: d.bpmUnsure === 'true',
  }));
}

/** The data-path of every `library-row` on the library page as it stands (one page: ≤ 100). */
export async function libraryPaths(page: Page): Promise<string[]> {
  const rows = page.getByTestId('library-row');
  const paths = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-path')));
  return paths.map((p) => p ?? '').sort();
}

/** The library page's row of the sound at `path`. */
export function libraryRow(page: Page, path: string): Locator {
  return page.locator(`[data-testid="library-row"][data-path="${path}"]`);
}

/** Waits until the library shows `total` sounds (library-total's data-total) and that many rows. */
export async function expectLibraryTotal(page: Page, total: number): Promise<void> {
  await expect(page.getByTestId('library-total')).toHaveAttribute('data-total', String(total));
  await expect(page.getByTestId('library-row')).toHaveCount(Math.min(total, 100));
}

/** The summary's four counters. */
export async function summaryCounts(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['imported', 'duplicates', 'skipped', 'failed']) {
    out[name] = Number(await page.getByTestId(`summary-${name}`).textContent());
  }
  return out;
}

/**
 * Slows the page's uploads to `bytesPerS` (Chromium's network emulation), so that an upload of
 * a few MB takes seconds on localhost. `context.setOffline(false)` lifts it again.
 */
export async function throttleUploads(page: Page, bytesPerS: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerS,
  });
}

/** The number in one of the upload panel's counters (`upload-done`: "3 imported"). */
export async function uploadCounter(page: Page, testId: string): Promise<number> {
  return Number.parseInt((await page.getByTestId(testId).textContent()) ?? '', 10);
}

/** Whether a request is to the tus endpoint (creation POST, or an upload's HEAD/PATCH). */
export function isTusRequest(url: string): boolean {
  return new URL(url).pathname.startsWith('/api/v1/uploads');
}
