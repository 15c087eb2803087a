import { extname } from 'node:path';
import { COPY_VARIANTS } from './copy-variants.js';
import type { Featured } from './featured.js';
import type { SoundInfo } from './inspect-sound.js';
import {
  describeChange,
  EDITS,
  makeNegative,
  REPITCHES,
  TEMPOS,
  type NegativeVariant,
} from './negative-variants.js';
import type { SetPlan } from './set-plan.js';
import type { SetSize } from './set-size.js';

/**
 * Kinds of negative pairs that also get a pair across codecs: a lossy copy of one file against
 * the other (an original, or an edit, re-pitch or tempo change of the first). Lossy pairs are
 * held to the codec allowances, looser than a pair of lossless files: an edit of a hit against
 * an MP3 of it must still be kept apart.
 */
const CROSS_CODEC_KINDS = new Set([
  'edit',
  'velocity-layer',
  'round-robin',
  'other-kit',
  'other-instrument',
  'repitch',
  'tempo',
]);

/** Originals shorter than this (s) get no copies: the targets start at 50 ms. */
const MIN_COPY_SOURCE_S = 0.045;

/** Takes `count` items from a list in turn, continuing where the previous call stopped. */
class Rotation<T> {
  private next = 0;
  constructor(private readonly items: readonly T[]) {}
  take(count: number, accept: (item: T) => boolean = () => true): T[] {
    const taken: T[] = [];
    for (let tries = 0; taken.length < count && tries < this.items.length; tries++) {
      const item = this.items[this.next++ % this.items.length]!;
      if (accept(item)) taken.push(item);
    }
    return taken;
  }
}

/**
 * Plans what is made from the featured originals: copies (`same` pairs, rotating through the
 * variants so that each is covered about equally, and one pair between two lossy copies),
 * edits, re-pitches and tempo changes (`not-same`; the edits of one original also against
 * each other, `two-edits`), and for every negative pair of CROSS_CODEC_KINDS one more with a
 * lossy copy of its first file (negatives across codecs).
 */
export function planDerived(
  plan: SetPlan,
  featured: Featured[],
  info: Map<string, SoundInfo>,
  size: SetSize,
): void {
  const copies = new Rotation(COPY_VARIANTS);
  const edits = new Rotation(EDITS);
  const repitches = new Rotation(REPITCHES);
  const lossyOfEdits = new Rotation(COPY_VARIANTS.filter((v) => v.lossy));
  const lossyCopyOf = new Map<string, string>();
  for (const f of featured) {
    const sound = info.get(f.path);
    // The targets hold from 50 ms on; a few kit samples are shorter (17 ms side sticks).
    if (!sound || sound.durationS < MIN_COPY_SOURCE_S) continue;
    const stereo = sound.channels > 1;
    const lossy: string[] = [];
    for (const variant of copies.take(size.variantsPerOriginal, (v) => stereo || !v.stereoOnly)) {
      const ext = variant.ext || extname(f.path).slice(1);
      const name =
        variant.name === 'renamed'
          ? `renamed ${f.path.slice(f.path.lastIndexOf('/') + 1, -ext.length - 1)} (1)`
          : undefined;
      const path = plan.copy(
        f.path,
        variant.name,
        ext,
        (out) => variant.make(plan.abs(f.path), out),
        name,
      );
      if (variant.lossy) lossy.push(path);
    }
    if (lossy[0]) lossyCopyOf.set(f.path, lossy[0]);
    if (lossy.length >= 2) {
      plan.pair(lossy[0]!, lossy[1]!, 'same', 'cross-copy', `two lossy copies of ${f.path}`);
    }
    const negatives: NegativeVariant[] = [];
    if (f.shape !== 'track') negatives.push(...edits.take(size.editsPerOriginal));
    if (f.repitch) negatives.push(...repitches.take(size.repitchesPerOriginal));
    if (f.shape !== 'hit' && !f.temposRendered) negatives.push(...TEMPOS);
    const edited: { name: string; path: string }[] = [];
    for (const variant of negatives) {
      const path = plan.derived(f.path, variant.name, 'wav', (out) =>
        makeNegative(variant, sound, plan.abs(f.path), out),
      );
      const detail = `${variant.name} of ${f.path}${describeChange(variant, sound)}`;
      plan.pair(f.path, path, 'not-same', variant.kind, detail);
      if (variant.kind !== 'edit') continue;
      // An edit encoded lossily (a pack of MP3s holds both a hit and its edit): a copy of the
      // edit, and against the original and the other edits a pair held to the codec allowances.
      const [codec] = lossyOfEdits.take(1);
      const lossyEdit = plan.copy(path, codec!.name, codec!.ext, (out) =>
        codec!.make(plan.abs(path), out),
      );
      plan.pair(f.path, lossyEdit, 'not-same', 'edit', `${detail} [${codec!.name} of the edit]`);
      // Two edits of one hit are two sounds as well (a run meets them side by side).
      for (const other of edited) {
        const pairDetail = `${other.name} vs ${variant.name} of ${f.path}`;
        plan.pair(other.path, path, 'not-same', 'two-edits', pairDetail);
        plan.pair(
          other.path,
          lossyEdit,
          'not-same',
          'two-edits',
          `${pairDetail} [${codec!.name} of the second]`,
        );
      }
      edited.push({ name: variant.name, path });
    }
  }
  for (const pair of [...plan.pairs]) {
    if (pair.label !== 'not-same' || !CROSS_CODEC_KINDS.has(pair.kind)) continue;
    const [from, other] = lossyCopyOf.has(pair.a) ? [pair.a, pair.b] : [pair.b, pair.a];
    const copy = lossyCopyOf.get(from);
    if (!copy || plan.get(other).role === 'copy') continue;
    const variant = plan.get(copy).variant ?? '';
    plan.pair(copy, other, 'not-same', pair.kind, `${pair.detail} [${variant} copy vs original]`);
  }
}
