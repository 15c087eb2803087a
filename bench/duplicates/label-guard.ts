import type { SoundInfo } from './inspect-sound.js';
import type { DroppedPair, SetPair } from './set-labels.js';
import type { SetPlan } from './set-plan.js';
import { waveformCorrelation } from './waveform-correlation.js';

/** Negatives that hold only if the two recordings really differ: checked on the waveforms. */
const RECORDING_KINDS = new Set(['velocity-layer', 'round-robin', 'other-kit', 'other-instrument']);

/**
 * From this correlation two "recordings" are one sample at another gain (kits and soundfonts
 * share samples; a soundfont may play one sample for every velocity): a copy.
 */
export const COPY_CORRELATION = 0.995;
/**
 * From this one they are one sample, filtered or processed (a soundfont's velocity filter):
 * neither a certain copy nor two recordings. Two real recordings of a hit stay well below.
 */
export const ONE_RECORDING_CORRELATION = 0.98;

/**
 * Checks every negative pair of two recordings on their waveforms, the unlabelled ones too
 * (across the splits, or uncertain): records the correlation, and drops the pairs that are one
 * recording, `copy` or `ambiguous`, and the uncertain ones as `ambiguous`. A dropped pair is
 * not labelled: a run may merge its two files, but need not. Returns the dropped pairs.
 */
export function guardRecordingPairs(plan: SetPlan, info: Map<string, SoundInfo>): DroppedPair[] {
  const dropped: DroppedPair[] = [];
  const labelled = new Set(plan.pairs);
  const kept: SetPair[] = [];
  for (const pair of [...plan.pairs, ...plan.unlabelledPairs]) {
    const a = info.get(pair.a);
    const b = info.get(pair.b);
    if (pair.label === 'same' || !RECORDING_KINDS.has(pair.kind) || !a || !b) {
      if (labelled.has(pair)) kept.push(pair);
      continue;
    }
    pair.correlation = Math.round(waveformCorrelation(a.head, b.head) * 1e4) / 1e4;
    const uncertain = !labelled.has(pair) && plan.splitOf(pair.a) === plan.splitOf(pair.b);
    if (pair.correlation >= COPY_CORRELATION) {
      dropped.push({ ...pair, reason: 'copy' });
    } else if (pair.correlation >= ONE_RECORDING_CORRELATION || uncertain) {
      dropped.push({ ...pair, reason: 'ambiguous' });
    } else if (labelled.has(pair)) {
      kept.push(pair);
    }
  }
  plan.pairs.splice(0, plan.pairs.length, ...kept);
  plan.unlabelledPairs.length = 0;
  return dropped;
}
