import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fingerprint } from '../../shared/analysis/index.js';
import { createAnalysisPoolFor } from '../../cli/src/analysis/worker-pool.js';
import type { SetFile } from './set-labels.js';

/** What the importer's analysis said of one set file. */
export interface AnalysedSetFile {
  status: 'ok' | 'error' | 'skipped';
  error: string | null;
  contentHash: string | null;
  fingerprint: Fingerprint | null;
}

interface CacheEntry extends AnalysedSetFile {
  mtimeMs: number;
  sizeBytes: number;
}

/** The code the analysis runs: this build's (dist) or this checkout's (tsx) shared/ and cli/. */
const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CODE_FOLDERS = ['shared', 'cli/src'];
const CACHE_FILE = '.cache/analysis.json';

async function* codeFiles(folder: string): AsyncGenerator<string> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* codeFiles(path);
    else if (/\.(js|ts)$/.test(entry.name) && !/\.test\.(js|ts)$/.test(entry.name)) yield path;
  }
}

/** A hash of every source file of the analysis: a cached result is used only under the same code. */
export async function analysisCodeHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of CODE_FOLDERS) {
    for await (const path of codeFiles(join(CODE_ROOT, folder))) {
      hash.update(path.slice(CODE_ROOT.length)).update(await readFile(path));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Analyses every set file through the CLI's own worker pool (`sm-import analyze`'s path, one
 * thread per core), reusing results cached in DIR/.cache for files unchanged since, under the
 * same analysis code. Returns the results by set path.
 * @throws Error when run from TypeScript sources (the pool's workers need the built files).
 */
export async function analyseSetFiles(
  dir: string,
  files: SetFile[],
  progress: (done: number, total: number) => void,
): Promise<Map<string, AnalysedSetFile>> {
  if (import.meta.url.endsWith('.ts')) {
    throw new Error(
      'the analysis pool runs from the build: use `npm run bench:duplicates -- ...`, or --from-dump',
    );
  }
  const code = await analysisCodeHash();
  const cachePath = join(dir, CACHE_FILE);
  const cached = await readFile(cachePath, 'utf8')
    .then((text) => JSON.parse(text) as { code: string; entries: Record<string, CacheEntry> })
    .catch(() => null);
  const entries = cached?.code === code ? cached.entries : {};
  const results = new Map<string, AnalysedSetFile>();
  const todo: { file: SetFile; mtimeMs: number; sizeBytes: number }[] = [];
  for (const file of files) {
    const info = await stat(join(dir, file.path));
    const entry = entries[file.path];
    if (entry && entry.mtimeMs === info.mtimeMs && entry.sizeBytes === info.size) {
      results.set(file.path, entry);
    } else {
      todo.push({ file, mtimeMs: info.mtimeMs, sizeBytes: info.size });
    }
  }
  const pool = await createAnalysisPoolFor(todo.length, {});
  let done = files.length - todo.length;
  try {
    await Promise.all(
      todo.map(async ({ file, mtimeMs, sizeBytes }) => {
        const analysis = await pool.analyse(join(dir, file.path));
        const result: AnalysedSetFile = {
          status: analysis.status,
          error: analysis.error,
          contentHash: analysis.contentHash,
          fingerprint: analysis.analysis?.fingerprint ?? null,
        };
        results.set(file.path, result);
        entries[file.path] = { ...result, mtimeMs, sizeBytes };
        progress(++done, files.length);
      }),
    );
  } finally {
    await pool.close();
  }
  await mkdir(dirname(cachePath), { recursive: true });
  await writeFile(cachePath, JSON.stringify({ code, entries }));
  return results;
}
