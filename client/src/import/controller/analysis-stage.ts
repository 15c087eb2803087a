import type { Fingerprint } from '../../../../shared/analysis/index.js';
import { RunDeduplicator, type FileAnalysis } from '../../../../shared/files/index.js';
import { MAX_ITEMS_PER_CHECK } from '../../../../shared/schemas/index.js';
import { moveFile, type ImportApi } from '../../../../shared/import/index.js';
import type { QueueFile } from '../../queue/queue-types.js';
import type { AnalysisPool } from '../../analysis/analysis-pool.js';
import type { ImportStore } from './import-store.js';
import { pacer, retrying } from './pacing.js';
import { sameLinks, withLibraryCheck, withRunMatch } from './sound-links.js';

/** Fingerprints read from IndexedDB at a time. */
const PRINT_PAGE = 100;
/** Items per preflight call: well under the server's limit, small enough to show progress. */
const CHECK_BATCH = Math.min(500, MAX_ITEMS_PER_CHECK);

/** The queue file after its analysis came back from a worker. */
function analysed(file: QueueFile, result: FileAnalysis): QueueFile {
  const facts = {
    stageMs: result.stageMs ?? null,
    contentHash: result.contentHash,
    format: result.format,
    codec: result.codec,
    bitDepth: result.bitDepth,
  };
  if (result.status === 'skipped') {
    return moveFile(file, 'skipped', { ...facts, reason: result.error, retryable: false });
  }
  if (result.status === 'error' || !result.analysis) {
    return moveFile(file, 'failed', {
      ...facts,
      reason: result.error ?? 'the file could not be analysed',
      retryable: false,
    });
  }
  const { fingerprint: _fingerprint, ...analysis } = result.analysis;
  return moveFile(file, 'analysed', { ...facts, analysis, reason: null });
}

/**
 * Analyses every discovered file this page holds the bytes of, a few more in flight than there
 * are workers so that reading overlaps analysis. Updates the live figures as results arrive.
 */
export async function analyseAll(
  store: ImportStore,
  pool: AnalysisPool,
  stopped: () => boolean,
): Promise<void> {
  const todo = [...store.files.values()].filter(
    (f) => f.state === 'discovered' && store.blobOf(f.path) !== undefined,
  );
  const total = [...store.files.values()].length;
  const started = performance.now();
  let doneHere = 0;
  const doneBefore = () => [...store.files.values()].filter((f) => f.state !== 'discovered').length;
  store.setAnalysis({ running: true, done: doneBefore(), total, filesPerS: 0, etaS: null });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !stopped()) {
      const file = todo[next++]!;
      const result = await pool.run({ file: store.blobOf(file.path)!, path: file.path });
      const current = store.get(file.path) ?? file;
      if (current.state !== 'discovered') continue;
      store.set(analysed(current, result), result.analysis?.fingerprint ?? null);
      doneHere++;
      const elapsedS = (performance.now() - started) / 1000;
      const rate = doneHere / Math.max(elapsedS, 0.001);
      const done = store.analysis.done + 1;
      store.setAnalysis({ done, filesPerS: rate, etaS: rate > 0 ? (total - done) / rate : null });
    }
  };
  await Promise.all(Array.from({ length: pool.size * 2 }, worker));
  store.setAnalysis({ running: false, done: doneBefore() });
  await store.flush();
}

/**
 * Finds the sounds heard twice: within the selection (content hash, then fingerprint; in
 * discovery order, so each points at the first file of its sound), then against the library
 * with the server's preflight. Marks each file's `duplicate`, and the sounds each other file is
 * close to (`similar`: both kept); states stay `analysed` until the user has chosen and the
 * server has answered.
 */
export async function findDuplicates(store: ImportStore, api: ImportApi): Promise<void> {
  const record = store.record;
  if (!record) return;
  const dedupe = new RunDeduplicator();
  const originals: QueueFile[] = [];
  const prints = new Map<string, Fingerprint>();
  const pace = pacer();
  const update = (file: QueueFile, next: QueueFile) => {
    if (!sameLinks(file, next)) store.set(next);
  };
  const analysed = [...store.files.values()].filter((f) => f.state === 'analysed' && f.contentHash);
  // Fingerprints are read a page at a time: one read of thousands blocks the page for long.
  for (let i = 0; i < analysed.length; i += PRINT_PAGE) {
    const page = analysed.slice(i, i + PRINT_PAGE);
    const stored = await store.queue.fingerprints(
      record.id,
      page.map((f) => f.path),
    );
    for (const file of page) {
      await pace();
      const print = stored.get(file.path) ?? null;
      const next = withRunMatch(file, dedupe.checkSound(file.path, file.contentHash!, print));
      update(file, next);
      if (!next.duplicate) {
        originals.push(next);
        if (print) prints.set(file.path, print);
      }
    }
  }
  for (let i = 0; i < originals.length; i += CHECK_BATCH) {
    const batch = originals.slice(i, i + CHECK_BATCH);
    const { results } = await retrying(store, () =>
      api.check(
        batch.map((f) => ({
          id: f.path,
          content_hash: f.contentHash!,
          fingerprint: prints.get(f.path) ?? null,
        })),
      ),
    );
    for (const result of results) {
      const file = store.get(result.id);
      if (file) update(file, withLibraryCheck(file, result));
    }
  }
  await store.flush();
}
