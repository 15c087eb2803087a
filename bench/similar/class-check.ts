import { timbreSimilarity } from '../../shared/analysis/index.js';
import { DRUM_CLASSES } from '../duplicates/hydrogen-kits.js';
import type { LabelledSound, Split } from './labelled-set.js';

/** Neighbours checked per query. */
export const TOP = 5;

export interface ClassShare {
  queries: number;
  /** Share of the top TOP neighbours of a sound of its own class, over all queries. */
  share: number;
  /** Queries whose top TOP are mostly (3 or more of 5) of their own class. */
  mostlyOwn: number;
}

export interface ClassCheck {
  split: Split;
  sounds: number;
  /** Neighbours from the whole split, its other layers and notes included. */
  all: ClassShare;
  /** Neighbours from other instruments only (not another layer or note of the same one). */
  otherInstruments: ClassShare;
  perClass: Record<string, { sounds: number; share: number }>;
  /** Other instruments only, drum hits (kick, snare, hat…) and pitched instruments apart. */
  perGroup: Record<Group, ClassShare>;
}

type Group = 'drums' | 'instruments';
const groupOf = (label: string): Group => (DRUM_CLASSES.has(label) ? 'drums' : 'instruments');

type Vectored = LabelledSound & { vector: Float32Array };

/** Own-class neighbours counted over some queries. */
interface Tally {
  own: number;
  listed: number;
  queries: number;
  mostly: number;
}

function add(tallies: Map<string, Tally>, key: string, same: number, listed: number): void {
  const t = tallies.get(key) ?? { own: 0, listed: 0, queries: 0, mostly: 0 };
  t.own += same;
  t.listed += listed;
  t.queries++;
  if (same * 2 > listed) t.mostly++;
  tallies.set(key, t);
}

const shareOfTally = (t: Tally | undefined): ClassShare =>
  t && t.queries > 0
    ? { queries: t.queries, share: t.own / t.listed, mostlyOwn: t.mostly / t.queries }
    : { queries: 0, share: 0, mostlyOwn: 0 };

function shareOf(sounds: Vectored[], skip: (q: Vectored, n: Vectored) => boolean) {
  const whole = new Map<string, Tally>();
  const perClass = new Map<string, Tally>();
  const perGroup = new Map<string, Tally>();
  for (const q of sounds) {
    const top = sounds
      .filter((n) => n !== q && !skip(q, n))
      .map((n) => ({ n, s: timbreSimilarity(q.vector, n.vector) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, TOP);
    const same = top.filter(({ n }) => n.label === q.label).length;
    add(whole, 'all', same, top.length);
    add(perClass, q.label, same, top.length);
    add(perGroup, groupOf(q.label), same, top.length);
  }
  return {
    share: shareOfTally(whole.get('all')),
    perClass,
    perGroup: {
      drums: shareOfTally(perGroup.get('drums')),
      instruments: shareOfTally(perGroup.get('instruments')),
    },
  };
}

/** The top-5 same-class share of one split, each sound queried among the split's others. */
export function classCheck(split: Split, sounds: Vectored[]): ClassCheck {
  const all = shareOf(sounds, () => false);
  const other = shareOf(sounds, (q, n) => q.source === n.source);
  return {
    split,
    sounds: sounds.length,
    all: all.share,
    otherInstruments: other.share,
    perGroup: other.perGroup,
    perClass: Object.fromEntries(
      [...other.perClass].map(([label, c]) => [
        label,
        { sounds: c.queries, share: c.listed > 0 ? c.own / c.listed : 0 },
      ]),
    ),
  };
}
