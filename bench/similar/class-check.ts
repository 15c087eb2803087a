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

function shareOf(sounds: Vectored[], skip: (q: Vectored, n: Vectored) => boolean) {
  let own = 0;
  let listed = 0;
  let mostly = 0;
  const perClass = new Map<string, { own: number; listed: number; sounds: number }>();
  const perGroup = new Map<
    Group,
    { own: number; listed: number; sounds: number; mostly: number }
  >();
  for (const q of sounds) {
    const top = sounds
      .filter((n) => n !== q && !skip(q, n))
      .map((n) => ({ n, s: timbreSimilarity(q.vector, n.vector) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, TOP);
    const same = top.filter(({ n }) => n.label === q.label).length;
    own += same;
    listed += top.length;
    if (same * 2 > top.length) mostly++;
    const c = perClass.get(q.label) ?? { own: 0, listed: 0, sounds: 0 };
    c.own += same;
    c.listed += top.length;
    c.sounds++;
    perClass.set(q.label, c);
    const g = perGroup.get(groupOf(q.label)) ?? { own: 0, listed: 0, sounds: 0, mostly: 0 };
    g.own += same;
    g.listed += top.length;
    g.sounds++;
    if (same * 2 > top.length) g.mostly++;
    perGroup.set(groupOf(q.label), g);
  }
  const groupShare = (group: Group): ClassShare => {
    const g = perGroup.get(group);
    return g
      ? { queries: g.sounds, share: g.own / g.listed, mostlyOwn: g.mostly / g.sounds }
      : { queries: 0, share: 0, mostlyOwn: 0 };
  };
  return {
    share: { queries: sounds.length, share: own / listed, mostlyOwn: mostly / sounds.length },
    perClass,
    perGroup: { drums: groupShare('drums'), instruments: groupShare('instruments') },
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
        { sounds: c.sounds, share: c.listed > 0 ? c.own / c.listed : 0 },
      ]),
    ),
  };
}
