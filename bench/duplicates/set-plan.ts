import { join } from 'node:path';
import { assignSplits, type SetFile, type SetPair, type Split } from './set-labels.js';

/** A file of the set under construction: its label, and how it is made. */
export interface PlannedFile extends SetFile {
  /** Makes the file at its absolute path; resolves once it is written. */
  make: (out: string) => Promise<void>;
}

/** A file-name-safe form of a name, at most `max` characters. */
const slug = (text: string, max = 60) =>
  text
    .replace(/[^A-Za-z0-9.+-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max) || 'x';

/**
 * The set being planned: files (originals first, then what is made from them) and labelled
 * pairs. Pairs across the two splits are never labelled: validation sources stay unseen.
 */
export class SetPlan {
  readonly files = new Map<string, PlannedFile>();
  readonly pairs: SetPair[] = [];
  /**
   * Pairs checked for shared samples (label-guard) but never labelled: across the splits, or
   * of sounds that may be one recording (soundfonts derived from one another).
   */
  readonly unlabelledPairs: SetPair[] = [];
  private readonly splits = new Map<string, Split>();

  constructor(readonly dir: string) {}

  /**
   * Declares a family of sources (every kit, every candidate program of a sound set), which
   * are split 60/40 among themselves; call it before planning their originals.
   */
  addSources(sources: readonly string[]): void {
    for (const [source, split] of assignSplits(sources)) this.splits.set(source, split);
  }

  /** Absolute path of a set file. */
  abs(path: string): string {
    return join(this.dir, path);
  }

  /** Plans an original of `source` (its own group); returns its set path. */
  original(source: string, stem: string, ext: string, make: PlannedFile['make']): string {
    const split = this.splits.get(source);
    if (!split) throw new Error(`set plan: source ${source} was not declared with addSources`);
    const path = this.unique(`${split}/${slug(source)}/${slug(stem)}.${ext}`);
    this.files.set(path, {
      path,
      source,
      split,
      group: path,
      role: 'original',
      variant: null,
      from: null,
      make,
    });
    return path;
  }

  /** Plans a copy of `from` (same group) and its `same` pair; returns its set path. */
  copy(
    from: string,
    variant: string,
    ext: string,
    make: PlannedFile['make'],
    name?: string,
  ): string {
    const base = this.get(from);
    const stem = name ?? `${stemOf(from)}__${variant}`;
    const path = this.unique(`${dirOf(from)}/${slug(stem, 120)}.${ext}`);
    this.files.set(path, { ...base, path, role: 'copy', variant, from, make });
    this.pairs.push({
      a: from,
      b: path,
      label: 'same',
      kind: variant,
      detail: `${variant} of ${from}`,
    });
    return path;
  }

  /** Plans a file made from `from` that is another sound (own group); returns its set path. */
  derived(from: string, variant: string, ext: string, make: PlannedFile['make']): string {
    const base = this.get(from);
    const path = this.unique(`${dirOf(from)}/${slug(`${stemOf(from)}__${variant}`, 120)}.${ext}`);
    this.files.set(path, { ...base, path, group: path, role: 'negative', variant, from, make });
    return path;
  }

  /**
   * Records a pair; one across the splits, or not `certain`, is only kept aside for the label
   * guard (which may find it one recording).
   */
  pair(
    a: string,
    b: string,
    label: SetPair['label'],
    kind: string,
    detail: string,
    certain = true,
  ): void {
    if (a === b) return;
    const labelled = certain && this.get(a).split === this.get(b).split;
    (labelled ? this.pairs : this.unlabelledPairs).push({ a, b, label, kind, detail });
  }

  splitOf(path: string): Split {
    return this.get(path).split;
  }

  /** Removes files (and every pair and file that depends on them). */
  remove(paths: Iterable<string>): void {
    const gone = new Set(paths);
    for (const file of this.files.values())
      if (file.from && gone.has(file.from)) gone.add(file.path);
    for (const path of gone) this.files.delete(path);
    for (const list of [this.pairs, this.unlabelledPairs]) {
      const kept = list.filter((p) => !gone.has(p.a) && !gone.has(p.b));
      list.splice(0, list.length, ...kept);
    }
  }

  get(path: string): PlannedFile {
    const file = this.files.get(path);
    if (!file) throw new Error(`set plan: no file ${path}`);
    return file;
  }

  private unique(path: string): string {
    if (!this.files.has(path)) return path;
    const dot = path.lastIndexOf('.');
    for (let n = 2; ; n++) {
      const candidate = `${path.slice(0, dot)}-${n}${path.slice(dot)}`;
      if (!this.files.has(candidate)) return candidate;
    }
  }
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function stemOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.slice(0, name.lastIndexOf('.'));
}
