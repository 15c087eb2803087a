import type { ManifestEntry } from '../schemas/index.js';
import { checkCopies, type DuplicateInfo } from './copy-check.js';
import { bestCopiesFirst, type RunCopy } from './copy-order.js';
import type { ImportApi } from './import-api.js';

/** What an import would do with one file, found before anything is sent. */
export type FilePreview =
  | { state: 'skipped' }
  | { state: 'failed'; reason: string }
  | { state: 'duplicate'; duplicate: DuplicateInfo }
  | { state: 'would_upload'; similarTo: string[] };

/** What a preview reads of the run's files, and the server's preflight. */
export interface PreviewPorts<F> {
  /** The manifest entry the file's analysis made; null for a file that is not audio. */
  entry(file: F): ManifestEntry | null;
  /** What bestCopiesFirst reads of the file (entryCopy); null without a readable entry. */
  copyFacts(file: F): RunCopy | null;
  check: ImportApi['check'];
}

/**
 * What an import of `files` (analysed, in scan order) would do, without a job (a dry run):
 * a file that is not audio is skipped and an unreadable one fails, told in scan order; the
 * others are checked as the import sends them, each sound's best copy first (bestCopiesFirst,
 * so a copy names the file the import keeps), within the run and then against the library
 * (checkCopies): a duplicate, or a file to upload with the sounds it is close to (both kept).
 */
export async function previewImport<F>(
  files: readonly F[],
  ports: PreviewPorts<F>,
  tell: (file: F, preview: FilePreview) => void,
): Promise<void> {
  const readable: F[] = [];
  for (const file of files) {
    const entry = ports.entry(file);
    if (!entry) tell(file, { state: 'skipped' });
    else if (entry.status === 'error') tell(file, { state: 'failed', reason: entry.error });
    else readable.push(file);
  }
  const byKey = new Map<string, F>();
  const candidates = bestCopiesFirst(readable, (f) => ports.copyFacts(f)).map((file) => {
    const { path, contentHash, fingerprint } = ports.copyFacts(file)!;
    byKey.set(path, file);
    return { key: path, contentHash, fingerprint };
  });
  await checkCopies(
    candidates,
    (items) => ports.check(items),
    (key, links) => {
      const file = byKey.get(key)!;
      if (links.duplicate) tell(file, { state: 'duplicate', duplicate: links.duplicate });
      else
        tell(file, {
          state: 'would_upload',
          similarTo: [...new Set(links.similar.map((s) => s.path))],
        });
    },
  );
}
