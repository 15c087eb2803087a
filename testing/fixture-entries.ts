import { join, relative } from 'node:path';
import xxhash from 'xxhash-wasm';
import { analyseFile } from '../shared/node/analyse-file.js';
import { toManifestEntry } from '../shared/files/index.js';
import { loadEssentiaOnMainThread } from '../shared/node/essentia.js';
import type { ManifestEntry } from '../shared/schemas/index.js';
import { FIXTURES } from './paths.js';

let analysisDeps: Promise<Parameters<typeof analyseFile>[1]> | null = null;

/**
 * Analyses fixture files (paths under `root`, fixtures/audio by default) exactly as sm-import
 * does; each entry's path is relative to `root`.
 */
export async function fixtureEntries(
  paths: string[],
  root = FIXTURES,
): Promise<{ entry: ManifestEntry; file: string }[]> {
  analysisDeps ??= (async () => ({
    hasher: await xxhash(),
    essentia: loadEssentiaOnMainThread(),
    ffmpeg: false,
  }))();
  const deps = await analysisDeps;
  const out = [];
  for (const p of paths) {
    const file = join(root, p);
    const analysis = await analyseFile(file, deps);
    out.push({ entry: toManifestEntry(analysis, relative(root, file)), file });
  }
  return out;
}
