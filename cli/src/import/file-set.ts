import { stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { scanPaths, type ScanExcluded, type ScanProblem } from '../scan.js';

export interface FoundFile {
  /** Path relative to the import: the root folder's name, then the path under it, '/'-separated. */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

/**
 * Scans the import's paths (as `sm-import analyze` does) and names each file by the folder it
 * was given under: importing ~/Samples gives "Samples/Drums/kick.wav". Files excluded by
 * `exclude` or a `.smignore` are left out and listed apart.
 */
export async function findFiles(
  paths: string[],
  exclude: readonly string[] = [],
): Promise<{ files: FoundFile[]; problems: ScanProblem[]; excluded: ScanExcluded[] }> {
  const { files, problems, excluded } = await scanPaths(paths, { exclude });
  const roots = paths.map((p) => resolve(p));
  const found: FoundFile[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const abs = resolve(file);
    const root = roots.find((r) => abs === r || abs.startsWith(r + sep));
    const name =
      !root || abs === root
        ? basename(abs)
        : [basename(root), ...relative(root, abs).split(sep)].join('/');
    let rel = name;
    for (let n = 2; seen.has(rel); n++) rel = `${name} (${n})`;
    seen.add(rel);
    try {
      const info = await stat(abs);
      found.push({ rel, abs, size: info.size, mtimeMs: info.mtimeMs });
    } catch (error) {
      problems.push({ path: file, reason: (error as Error).message });
    }
  }
  return { files: found, problems, excluded };
}

/** Whether a file still has the size and time it had when it was hashed. */
export async function unchangedSince(
  abs: string,
  was: { size: number; mtimeMs: number },
): Promise<boolean> {
  try {
    const info = await stat(abs);
    return info.size === was.size && info.mtimeMs === was.mtimeMs;
  } catch {
    return false;
  }
}

/** What the run state records of a file to know, later, whether it changed. */
export function fileFacts(file: FoundFile): { abs: string; size: number; mtimeMs: number } {
  return { abs: file.abs, size: file.size, mtimeMs: file.mtimeMs };
}
