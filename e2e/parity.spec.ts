import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compareScanOrder } from '../shared/files/scan-order.js';
import { startServerProcess } from '../testing/server-process.js';
import { SM_IMPORT_BIN } from '../testing/paths.js';
import { placeFixtures } from './support/audio-files.js';
import { expect, test } from './support/fixtures.js';
import { importSet } from './support/import-set.js';
import {
  analyseFolder,
  readFileRows,
  summaryCounts,
  UPLOAD_TIMEOUT_MS,
  waitForStep,
} from './support/wizard.js';

const run = promisify(execFile);

/** The files of each sound heard more than once (path → the path it repeats), sorted. */
function soundsOf(duplicateOf: Map<string, string>): string[][] {
  const rootOf = (path: string): string => {
    let root = path;
    for (let hops = 0; duplicateOf.has(root) && hops <= duplicateOf.size; hops++)
      root = duplicateOf.get(root)!;
    return root;
  };
  const sounds = new Map<string, Set<string>>();
  for (const path of duplicateOf.keys()) {
    const root = rootOf(path);
    const sound = sounds.get(root) ?? new Set([root]);
    sounds.set(root, sound.add(path));
  }
  return [...sounds.values()]
    .map((s) => [...s].sort(compareScanOrder))
    .sort((a, b) => compareScanOrder(a[0]!, b[0]!));
}

const pathsIn = (states: Map<string, string>, state: string): string[] =>
  [...states]
    .filter(([, s]) => s === state)
    .map(([path]) => path)
    .sort();

/** Where a file's import can end. */
const FINAL = new Set(['done', 'duplicate', 'skipped', 'failed']);

/** `sm-import import FOLDER --json` against `server`: each file's last final state, and the job. */
async function importWithCli(
  folder: string,
  server: { url: string; token: string },
  stateDir: string,
): Promise<{
  states: Map<string, string>;
  duplicateOf: Map<string, string>;
  totals: Record<string, number>;
}> {
  // Exit code 1: some files failed (the set holds truncated files); anything else is wrong.
  const { stdout } = await run(process.execPath, [SM_IMPORT_BIN, 'import', folder, '--json'], {
    env: {
      ...process.env,
      SM_SERVER: server.url,
      SM_TOKEN: server.token,
      SM_IMPORT_STATE_DIR: stateDir,
    },
    maxBuffer: 64 * 1024 * 1024,
    timeout: UPLOAD_TIMEOUT_MS,
  }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
    if (error.code === 1 && error.stdout) return { stdout: error.stdout };
    throw new Error(`sm-import exited with ${error.code}: ${error.stderr ?? ''}`);
  });
  const lines = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const states = new Map<string, string>();
  const duplicateOf = new Map<string, string>();
  for (const line of lines) {
    if (line.type !== 'file' || !FINAL.has(line.state as string)) continue;
    states.set(line.path as string, line.state as string);
    if (typeof line.duplicate_of === 'string')
      duplicateOf.set(line.path as string, line.duplicate_of);
  }
  const final = lines.at(-1) as { status: string; totals: Record<string, number> };
  expect(final.status).toBe('completed');
  return { states, duplicateOf, totals: final.totals };
}

test('the CLI and the wizard import one folder alike: the same sounds, the same counts', async ({
  page,
  workDir,
  snap,
  pageErrors,
}) => {
  const { folder, files } = await placeFixtures(workDir, 'Sample Pack', await importSet());

  const wizard = await test.step('the wizard imports it, duplicates skipped', async () => {
    await analyseFolder(page, folder, files.length);
    // The groups as the duplicates step shows them, before any is resolved.
    const found = await readFileRows(page);
    await page.getByTestId('resolve-all-skip').click();
    await page.getByTestId('start-upload').click();
    await waitForStep(page, 'summary', UPLOAD_TIMEOUT_MS);
    await snap('wizard-summary');
    const rows = await readFileRows(page);
    return {
      states: new Map(rows.map((r) => [r.path, r.state])),
      duplicateOf: new Map(
        found.filter((r) => r.duplicate === 'selection').map((r) => [r.path, r.duplicateRef]),
      ),
      counts: await summaryCounts(page),
    };
  });

  const cli = await test.step('sm-import imports it into another fresh server', async () => {
    const other = await startServerProcess({ fromTemplate: true, label: 'e2e-cli' });
    try {
      return await importWithCli(folder, other, join(workDir, 'cli-state'));
    } finally {
      await other.close();
    }
  });

  await test.step('the same sounds, files skipped and failed, and counts', () => {
    expect(cli.states.size).toBe(files.length);
    expect(soundsOf(cli.duplicateOf)).toEqual(soundsOf(wizard.duplicateOf));
    for (const state of ['skipped', 'failed']) {
      expect(pathsIn(cli.states, state), state).toEqual(pathsIn(wizard.states, state));
    }
    const count = (state: string) => pathsIn(cli.states, state).length;
    expect(wizard.counts).toEqual({
      imported: count('done'),
      duplicates: count('duplicate'),
      skipped: count('skipped'),
      failed: count('failed'),
    });
    // Skipped files never reach a job; the rest are counted alike on both servers.
    expect(cli.totals.completed).toBe(wizard.counts.imported);
    expect(cli.totals.duplicates).toBe(wizard.counts.duplicates);
  });

  await test.step('of each sound, both keep the same copy: the best one', () => {
    // The wizard sees the whole selection and uploads each sound's best copy (lossless, then
    // rate, depth, size); the CLI sends the best copy first, and the server keeps the first.
    for (const sound of soundsOf(cli.duplicateOf)) {
      const kept = (states: Map<string, string>) => sound.filter((p) => states.get(p) === 'done');
      expect(kept(cli.states), sound.join(', ')).toHaveLength(1);
      expect(kept(cli.states), sound.join(', ')).toEqual(kept(wizard.states));
    }
  });

  expect(pageErrors).toEqual([]);
});
