import {
  compileIgnoreFile,
  compilePatterns,
  Exclusions,
  isIgnoreFile,
  MAX_IGNORE_FILES,
  tooManyIgnoreFiles,
  type ExclusionReason,
  type ExclusionRule,
} from './exclusions.js';

/** What an import's exclusions are made of. */
export interface ExclusionInput {
  /** Patterns given on their own (`--exclude`, a request's `exclude`); they win. */
  patterns?: readonly string[];
  /** How reasons name those patterns ("--exclude", "exclude"). */
  patternSource?: string;
  /** The `.smignore` files found among the paths, with their text. */
  ignoreFiles?: readonly { path: string; text: string }[];
  /**
   * Whether each path's first name is the folder the import was given (the CLI's and the
   * wizard's "Samples/Drums/kick.wav"): patterns are then relative to that folder, each folder
   * its own root. Otherwise paths are relative to one root (a bucket's prefix).
   */
  rooted: boolean;
}

/** The paths kept, and those left out with why; `.smignore` files are in neither. */
export interface Sorted<T> {
  kept: T[];
  excluded: { item: T; path: string; reason: ExclusionReason }[];
}

function split(path: string, rooted: boolean): { root: string; under: string } {
  const slash = path.indexOf('/');
  return rooted && slash > 0
    ? { root: path.slice(0, slash), under: path.slice(slash + 1) }
    : { root: '', under: path };
}

/**
 * Checks every pattern and builds the matcher of each root (compiled once, before any file is
 * sorted, so that a bad pattern stops the import before it starts).
 * @throws ExclusionPatternError
 */
export function buildExclusions(input: ExclusionInput): (path: string) => ExclusionReason | null {
  const files = input.ignoreFiles ?? [];
  if (files.length > MAX_IGNORE_FILES) throw tooManyIgnoreFiles();
  const optionRules = compilePatterns(input.patterns ?? [], input.patternSource ?? '--exclude');
  const fileRules = new Map<string, ExclusionRule[]>();
  for (const file of files) {
    const { root, under } = split(file.path, input.rooted);
    // A `.smignore` given alone (not in a folder of the import) has nothing to apply to.
    if (input.rooted && root === '') continue;
    const rules = fileRules.get(root) ?? [];
    rules.push(...compileIgnoreFile(under, file.text, file.path));
    fileRules.set(root, rules);
  }
  const byRoot = new Map<string, Exclusions>();
  return (path) => {
    const { root, under } = split(path, input.rooted);
    let exclusions = byRoot.get(root);
    if (!exclusions) {
      exclusions = new Exclusions(optionRules, fileRules.get(root) ?? []);
      byRoot.set(root, exclusions);
    }
    return exclusions.reason(under);
  };
}

/**
 * Sorts an import's files into kept and excluded (with the reason of each); `.smignore` files
 * are dropped from both, being never imported.
 * @throws ExclusionPatternError
 */
export function sortExcluded<T>(
  items: readonly T[],
  pathOf: (item: T) => string,
  input: ExclusionInput,
): Sorted<T> {
  const reasonOf = buildExclusions(input);
  const sorted: Sorted<T> = { kept: [], excluded: [] };
  for (const item of items) {
    const path = pathOf(item);
    if (isIgnoreFile(path)) continue;
    const reason = reasonOf(path);
    if (reason) sorted.excluded.push({ item, path, reason });
    else sorted.kept.push(item);
  }
  return sorted;
}
