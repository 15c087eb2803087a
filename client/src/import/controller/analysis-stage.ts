import type { FileAnalysis } from '../../../../shared/files/index.js';
import {
  analyseFiles,
  checkCopies,
  moveFile,
  type CopyCandidate,
  type CopyLinks,
  type ImportApi,
} from '../../../../shared/import/index.js';
import type { QueueFile } from '../../queue/queue-types.js';
import type { AnalysisPool } from '../../analysis/analysis-pool.js';
import type { ImportStore } from './import-store.js';
import { pacer } from './pacing.js';

/** Fingerprints read from IndexedDB at a time. */
const PRINT_PAGE = 100;

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
  const doneBefore = () => [...store.files.values()].filter((f) => f.state !== 'discovered').length;
  store.setAnalysis({
    running: true,
    done: doneBefore(),
    total: store.files.size,
    filesPerS: 0,
    etaS: null,
  });
  await analyseFiles(
    todo.map((f) => f.path),
    (path) => pool.run({ file: store.blobOf(path)!, path }),
    (path, result, pace) => {
      const current = store.get(path);
      if (current?.state !== 'discovered') return;
      store.set(analysed(current, result), result.analysis?.fingerprint ?? null);
      store.setAnalysis({
        done: store.analysis.done + 1,
        filesPerS: pace.filesPerS,
        etaS: pace.etaS,
      });
    },
    { inFlight: pool.size * 2, stopped },
  );
  store.setAnalysis({ running: false, done: doneBefore() });
  await store.flush();
}

/**
 * Finds the sounds heard twice (checkCopies): within the selection in discovery order, so each
 * copy points at the first file of its sound, then against the library. Marks each file's
 * `duplicate`, and the sounds each other file is close to (`similar`: both kept); states stay
 * `analysed` until the user has chosen and the server has answered.
 */
export async function findDuplicates(store: ImportStore, api: ImportApi): Promise<void> {
  const record = store.record;
  if (!record) return;
  const pace = pacer();
  const analysed = [...store.files.values()].filter((f) => f.state === 'analysed' && f.contentHash);
  // Fingerprints are read a page at a time: one read of thousands blocks the page for long.
  async function* candidates(): AsyncGenerator<CopyCandidate> {
    for (let i = 0; i < analysed.length; i += PRINT_PAGE) {
      const page = analysed.slice(i, i + PRINT_PAGE);
      const prints = await store.queue.fingerprints(
        record!.id,
        page.map((f) => f.path),
      );
      for (const file of page) {
        await pace();
        const fingerprint = prints.get(file.path) ?? null;
        yield { key: file.path, contentHash: file.contentHash!, fingerprint };
      }
    }
  }
  await checkCopies(
    candidates(),
    (items) => api.check(items),
    (path, links) => {
      const file = store.get(path);
      if (file && !sameLinks(file, links))
        store.set({ ...file, duplicate: links.duplicate, similar: links.similar });
    },
  );
  await store.flush();
}

/** Whether a file already names these links (so that an unchanged file is not written again). */
function sameLinks(file: QueueFile, links: CopyLinks): boolean {
  return (
    JSON.stringify([file.duplicate, file.similar]) ===
    JSON.stringify([links.duplicate, links.similar])
  );
}
