import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { compareNames } from '../../shared/files/scan-order.js';
import { describeFsError } from '../../shared/node/read-errors.js';

export interface ScanProblem {
  path: string;
  reason: string;
}

export interface ScanResult {
  /** Files found: arguments in order, each folder in scan order (shared/files/scan-order.ts). */
  files: string[];
  /** Folders or arguments that could not be read, and symlink loops; none of them fatal. */
  problems: ScanProblem[];
}

/**
 * Recursively lists the files under `paths` (files given directly are listed as they are).
 * Follows symbolic links, visiting each real folder once, so a link loop ends the descent
 * with a problem instead of running forever.
 */
export async function scanPaths(paths: string[]): Promise<ScanResult> {
  const files: string[] = [];
  const problems: ScanProblem[] = [];
  const seenFolders = new Set<string>();
  const seenFiles = new Set<string>();

  async function visit(path: string): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      problems.push({ path, reason: describeFsError(error) });
      return;
    }
    if (info.isFile()) {
      const real = await realpath(path).catch(() => path);
      if (!seenFiles.has(real)) {
        seenFiles.add(real);
        files.push(path);
      }
      return;
    }
    if (!info.isDirectory()) return;
    const real = await realpath(path).catch(() => path);
    if (seenFolders.has(real)) {
      problems.push({ path, reason: 'folder already scanned (symbolic link loop or repeat)' });
      return;
    }
    seenFolders.add(real);
    let entries: string[];
    try {
      entries = await readdir(path);
    } catch (error) {
      problems.push({ path, reason: describeFsError(error) });
      return;
    }
    entries.sort(compareNames);
    for (const entry of entries) await visit(join(path, entry));
  }

  for (const path of paths) await visit(resolve(path));
  return { files, problems };
}
