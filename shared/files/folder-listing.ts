/**
 * What a scan of a watched folder sees of one file: no bytes, only what tells a new or changed
 * file from one already imported. Paths are '/'-separated from the watched folder's parent.
 */
export interface ListedFile {
  path: string;
  sizeBytes: number;
  /** ms since the epoch, as the file system reports it. */
  lastModified: number;
}

/** How a folder's listing moved on since the last scan. */
export interface ListingDiff {
  /** Paths the last listing did not have. */
  added: ListedFile[];
  /** Paths it had, with another size or date now. */
  changed: ListedFile[];
  /** Paths it had that are no longer in the folder. */
  gone: string[];
}

/**
 * The difference between two listings of one folder, each list in the order of `after` (and
 * `gone` in the order of `before`). A file is the same file while its path, size and date are.
 */
export function diffListings(
  before: readonly ListedFile[],
  after: readonly ListedFile[],
): ListingDiff {
  const known = new Map(before.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const added: ListedFile[] = [];
  const changed: ListedFile[] = [];
  for (const file of after) {
    seen.add(file.path);
    const was = known.get(file.path);
    if (!was) added.push(file);
    else if (was.sizeBytes !== file.sizeBytes || was.lastModified !== file.lastModified)
      changed.push(file);
  }
  const gone = before.filter((f) => !seen.has(f.path)).map((f) => f.path);
  return { added, changed, gone };
}

/** Whether a diff has nothing new or changed to import (files gone import nothing). */
export function hasNothingToImport(diff: ListingDiff): boolean {
  return diff.added.length === 0 && diff.changed.length === 0;
}

/**
 * Whether two scans agree on these files (same sizes and dates). A file still being copied
 * into the folder grows between scans: it is imported only once two scans agree, so that a
 * burst of files copied at once goes out as one batch and no half-written file is read.
 */
export function isSettled(files: readonly ListedFile[], previousScan: readonly ListedFile[]) {
  const previous = new Map(previousScan.map((f) => [f.path, f]));
  return files.every((f) => {
    const was = previous.get(f.path);
    return (
      was !== undefined && was.sizeBytes === f.sizeBytes && was.lastModified === f.lastModified
    );
  });
}

/** What a watch knows of its folder between scans. */
export interface WatchedListing {
  /** The files imported or in the batch under way. */
  listing: ListedFile[];
  /** Paths that were in the folder and are no longer. */
  gone: string[];
}

/** What one scan decides: the watch's next listing, and the files to import now. */
export interface ScanPlan extends WatchedListing {
  /** New and changed files, settled: one batch (empty: nothing to import now). */
  batch: ListedFile[];
  /** Whether files are still arriving: look again soon, with this scan as the previous one. */
  unsettled: boolean;
}

/**
 * Decides what a scan of a watched folder does: files gone are noted (and no longer gone once
 * back); new and changed files are imported as one batch once the previous scan agrees on
 * them, and until then stay out of the listing, so that they are found again.
 */
export function planScan(
  known: WatchedListing,
  listing: readonly ListedFile[],
  previousScan: readonly ListedFile[] | null,
): ScanPlan {
  const diff = diffListings(known.listing, listing);
  const present = new Set(listing.map((f) => f.path));
  const gone = [...new Set([...known.gone.filter((p) => !present.has(p)), ...diff.gone])];
  const fresh = [...diff.added, ...diff.changed];
  const unsettled = !hasNothingToImport(diff) && !isSettled(fresh, previousScan ?? []);
  return unsettled
    ? {
        listing: known.listing.filter((f) => present.has(f.path)),
        gone,
        batch: [],
        unsettled,
      }
    : { listing: [...listing], gone, batch: fresh, unsettled };
}
