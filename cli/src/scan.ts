import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import {
  ExclusionPatternError,
  ignoreFileTooLarge,
  isIgnoreFile,
  MAX_IGNORE_FILE_BYTES,
  sortExcluded,
  type ExclusionReason,
} from '../../shared/files/index.js';
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
  /** Files left out by `--exclude` or a `.smignore`, in scan order (`.smignore` files in none). */
  excluded: ScanExcluded[];
}

/** A file left out of the scan: its path, its name under the folder given, and why. */
export interface ScanExcluded {
  path: string;
  /** The folder's name, then the path under it, '/'-separated ("Samples/Old/pad.wav"). */
  rel: string;
  reason: ExclusionReason;
}

export interface ScanOptions {
  /** `--exclude` patterns (gitignore syntax), relative to each folder given. */
  exclude?: readonly string[];
}

/** The text of a `.smignore`, read up to its bound. @throws ExclusionPatternError */
async function readIgnoreFile(path: string): Promise<string> {
  try {
    const file = await open(path, 'r');
    try {
      const bytes = Buffer.alloc(MAX_IGNORE_FILE_BYTES + 1);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, 0);
      if (bytesRead > MAX_IGNORE_FILE_BYTES) throw ignoreFileTooLarge(path);
      return bytes.subarray(0, bytesRead).toString('utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof ExclusionPatternError) throw error;
    throw new ExclusionPatternError(
      `cannot read ${path}: ${describeFsError(error)}; make it readable or remove it`,
    );
  }
}

/**
 * Leaves out of one given folder's files those its `.smignore` files or `--exclude` exclude,
 * and the `.smignore` files themselves (sortExcluded, as the wizard and bucket imports do).
 * @throws ExclusionPatternError
 */
async function sortOut(
  root: string,
  files: string[],
  exclude: readonly string[],
): Promise<{ kept: string[]; excluded: ScanExcluded[] }> {
  const relOf = (file: string) =>
    file === root ? basename(root) : [basename(root), ...relative(root, file).split(sep)].join('/');
  const ignoreFiles = [];
  for (const file of files) {
    if (file !== root && isIgnoreFile(relOf(file)))
      ignoreFiles.push({ path: relOf(file), text: await readIgnoreFile(file) });
  }
  // A file given on its own is named by its name alone, which --exclude patterns match.
  const sorted = sortExcluded(files, relOf, {
    patterns: exclude,
    patternSource: '--exclude',
    ignoreFiles,
    rooted: true,
  });
  return {
    kept: sorted.kept,
    excluded: sorted.excluded.map(({ item, path, reason }) => ({ path: item, rel: path, reason })),
  };
}

/**
 * Recursively lists the files under `paths` (files given directly are listed as they are).
 * Follows symbolic links, visiting each real folder once, so a link loop ends the descent
 * with a problem instead of running forever. Files excluded by `options.exclude` or by a
 * `.smignore` of a folder given are left out (and listed with why); `.smignore` files too.
 * @throws ExclusionPatternError for a bad pattern or a `.smignore` that cannot be read.
 */
export async function scanPaths(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const files: string[] = [];
  const problems: ScanProblem[] = [];
  const excluded: ScanExcluded[] = [];
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

  const kept: string[] = [];
  for (const path of paths) {
    const root = resolve(path);
    const from = files.length;
    await visit(root);
    const sorted = await sortOut(root, files.slice(from), options.exclude ?? []);
    kept.push(...sorted.kept);
    excluded.push(...sorted.excluded);
  }
  return { files: kept, problems, excluded };
}
