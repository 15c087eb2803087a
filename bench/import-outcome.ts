/**
 * How an import ended, file by file, held against the library's labels: the failures must be
 * the labelled bad files (each with a reason), the skipped files the labelled non-audio ones,
 * the duplicates the labelled groups (scored pair by pair as bench/accuracy.ts does), and the
 * server's library one sound per labelled group.
 */
import { basename } from 'node:path';
import type { FileUpdate, LibraryItem } from '../shared/schemas/index.js';
import type { StageTimes } from '../shared/files/index.js';
import { scoreDuplicatePairs, type Ratio } from './accuracy-metrics.js';
import type { FixtureLabel } from './labels.js';

/** One file's end as the importer (CLI or wizard) reports it. */
export interface FileOutcome {
  /** As the importers name it: the picked folder's name, then the path under it. */
  path: string;
  /**
   * done, duplicate, skipped, failed; earlier (done or a duplicate in an earlier run of the same
   * import, left alone); anything else means the import left it unfinished.
   */
  state: string;
  reason: string | null;
  /** The file of this import it repeats, when the importer says. */
  duplicateOfPath: string | null;
  /** The library asset it repeats, when the importer says. */
  duplicateOfAsset: string | null;
  /** Where its analysis time went (ms of the analysing thread); null when not analysed now. */
  stageMs: StageTimes | null;
}

/** What the labels say an import of the folder must end with. */
export interface Expected {
  /** The folder's name: the first segment of every importer path. */
  root: string;
  byPath: Map<string, FixtureLabel>;
  /** Importer paths of the labelled bad files (expect_status error). */
  errors: Set<string>;
  /** Importer paths of the files that are not audio (expect_status skipped), and labels.json. */
  skipped: Set<string>;
  /** Files labelled ok, and the distinct sounds (label groups) among them. */
  ok: number;
  sounds: number;
}

/** The expected outcome of importing `dir`, whose labels.json lists `labels`. */
export function expectedOf(dir: string, labels: readonly FixtureLabel[]): Expected {
  const root = basename(dir);
  const byPath = new Map(labels.map((l) => [`${root}/${l.path}`, l]));
  const withStatus = (status: FixtureLabel['expect_status']) =>
    new Set([...byPath].filter(([, l]) => l.expect_status === status).map(([p]) => p));
  const okLabels = labels.filter((l) => l.expect_status === 'ok');
  return {
    root,
    byPath,
    errors: withStatus('error'),
    // The labels file lies in the folder too, and is not audio.
    skipped: new Set([...withStatus('skipped'), `${root}/labels.json`]),
    ok: okLabels.length,
    sounds: new Set(okLabels.map((l) => l.group)).size,
  };
}

/** One upload: the file, its size, and how long it took (ms) from its start to its end. */
export interface UploadTime {
  path: string;
  bytes: number;
  ms: number;
  /** When it began (performance.now() of the bench). */
  at: number;
}

export interface PathReason {
  path: string;
  reason: string;
}

export interface ImportScore {
  /** Files by final state. */
  states: Map<string, number>;
  failed: {
    count: number;
    /** Failed but labelled ok or skipped, with the reason given. */
    extra: PathReason[];
    /** Labelled bad but not failed, with the state they ended in. */
    missing: PathReason[];
    withoutReason: string[];
  };
  skipped: { count: number; extra: PathReason[]; missing: PathReason[] };
  duplicates: {
    count: number;
    /** Files labelled ok less their distinct sounds. */
    expected: number;
    pairs: Ratio;
    falseMerges: { pairs: number; examples: string[] };
    misses: string[];
    /** Duplicates whose original neither the importer nor the server named. */
    unlinked: number;
  };
  library: {
    total: number;
    /** Label groups with exactly one sound in the library, none, and more than one. */
    once: number;
    missing: string[];
    twice: string[];
    /** Library sounds whose path is not a labelled ok file. */
    unexpected: string[];
    /**
     * The missing sounds by kind and by what makes them a sound of their own: "original", or
     * the near miss's transform (repitch, pitch, tempo, program, arrangement).
     */
    missingBy: { kind: Map<string, number>; distinct: Map<string, number> };
  };
  /** Files of the folder the import never reported, and reported files not in the folder. */
  unseen: string[];
  unknown: string[];
}

/**
 * Scores an import. `updates` are the server's file updates of its job (the asset each file
 * ended as or repeats); `library` is the library after it.
 */
export function scoreImport(
  expected: Expected,
  outcomes: readonly FileOutcome[],
  updates: ReadonlyMap<string, FileUpdate>,
  library: readonly LibraryItem[],
): ImportScore {
  const byPath = new Map(outcomes.map((o) => [o.path, o]));
  const states = new Map<string, number>();
  for (const o of outcomes) states.set(o.state, (states.get(o.state) ?? 0) + 1);
  const stateOf = (path: string) => byPath.get(path)?.state ?? 'not reported';

  /** Files that ended `state`: how many, those not expected to, and those expected that did not. */
  const endedAs = (state: 'failed' | 'skipped', wanted: Set<string>) => {
    const ones = outcomes.filter((o) => o.state === state);
    return {
      count: ones.length,
      extra: ones
        .filter((o) => !wanted.has(o.path))
        .map((o) => ({ path: o.path, reason: o.reason ?? '(no reason)' })),
      missing: [...wanted]
        .filter((p) => stateOf(p) !== state)
        .map((p) => ({ path: p, reason: `ended ${stateOf(p)}` })),
    };
  };
  const failed: ImportScore['failed'] = {
    ...endedAs('failed', expected.errors),
    withoutReason: outcomes
      .filter((o) => o.state === 'failed' && !o.reason?.trim())
      .map((o) => o.path),
  };
  const skipped: ImportScore['skipped'] = endedAs('skipped', expected.skipped);

  // A file's sound: the library asset it ended as or repeats, else the file it repeats.
  const assetOfPath = new Map(library.map((item) => [item.path, item.id]));
  let unlinked = 0;
  const clusterOf = (path: string): string => {
    let current = path;
    for (let hops = 0; hops < 100; hops++) {
      const asset = updates.get(current)?.asset_id ?? null;
      if (asset) return asset;
      const o = byPath.get(current);
      if (o?.state === 'done') return assetOfPath.get(current) ?? current;
      if (o?.duplicateOfAsset) return o.duplicateOfAsset;
      if (!o?.duplicateOfPath) break;
      current = o.duplicateOfPath;
    }
    return assetOfPath.get(current) ?? `file:${current}`;
  };
  const stored = outcomes.filter(
    (o) => (o.state === 'done' || o.state === 'duplicate') && expected.byPath.get(o.path),
  );
  const clustered = stored.map((o) => {
    const cluster = clusterOf(o.path);
    if (o.state === 'duplicate' && cluster === `file:${o.path}`) unlinked++;
    return { path: o.path, group: expected.byPath.get(o.path)!.group, cluster };
  });
  const pairs = scoreDuplicatePairs(clustered);

  const assetsOfGroup = new Map<string, number>();
  const unexpected: string[] = [];
  for (const item of library) {
    const label = expected.byPath.get(item.path);
    if (!label || label.expect_status !== 'ok') unexpected.push(item.path);
    else assetsOfGroup.set(label.group, (assetsOfGroup.get(label.group) ?? 0) + 1);
  }
  const groups = new Set(
    [...expected.byPath.values()].filter((l) => l.expect_status === 'ok').map((l) => l.group),
  );
  const missing = [...groups].filter((g) => !assetsOfGroup.has(g));
  const membersOf = new Map<string, FixtureLabel[]>();
  for (const l of expected.byPath.values()) {
    if (l.expect_status === 'ok') membersOf.set(l.group, [...(membersOf.get(l.group) ?? []), l]);
  }
  const tally = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const missingBy = { kind: new Map<string, number>(), distinct: new Map<string, number>() };
  for (const g of missing) {
    const members = membersOf.get(g) ?? [];
    tally(missingBy.kind, members[0]?.kind ?? 'unknown');
    const near = members.find((m) => m.relation === 'near_miss');
    const transform = near?.transform?.replace(/[-+].*$/, '') ?? 'original';
    tally(missingBy.distinct, near ? `near miss (${transform})` : 'original');
  }
  const reported = new Set(outcomes.map((o) => o.path));
  const labelled = new Set([...expected.byPath.keys(), `${expected.root}/labels.json`]);
  return {
    states,
    failed,
    skipped,
    duplicates: {
      count: states.get('duplicate') ?? 0,
      expected: expected.ok - expected.sounds,
      pairs: pairs.duplicatePairs,
      falseMerges: pairs.falseMerges,
      misses: pairs.misses,
      unlinked,
    },
    library: {
      total: library.length,
      once: [...groups].filter((g) => assetsOfGroup.get(g) === 1).length,
      missing,
      twice: [...groups].filter((g) => (assetsOfGroup.get(g) ?? 0) > 1),
      unexpected,
      missingBy,
    },
    unseen: [...labelled].filter((p) => !reported.has(p)),
    unknown: [...reported].filter((p) => !labelled.has(p)),
  };
}
