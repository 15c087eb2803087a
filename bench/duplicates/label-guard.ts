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
const COPY_CORRELATION = 0.995;
/**
 * From this one they are one sample, filtered or processed (a soundfont's velocity filter):
 * neither a certain copy nor two recordings. Two real recordings of a hit stay well below.
 */
const ONE_RECORDING_CORRELATION = 0.98;

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

/** Originals this close in length (s) are checked for being one recording under two names. */
const SAME_LENGTH_S = 0.005;
/** Lags of that check (s): one recording under two names is aligned to the sample. */
const SAME_RECORDING_LAG_S = 0.0001;
/** Samples of its first pass (~90 ms), which the full check follows only above 0.99. */
const SCREEN_SAMPLES = 4096;

/**
 * Finds originals of the same length that are one recording (a kit's "B major" strum that is
 * its "B flat major" file re-encoded): dropped pairs of kind `hidden-copy`, so that a run is
 * not blamed for merging them. Pairs already dropped are not repeated.
 */
export function findHiddenCopies(
  info: Map<string, SoundInfo>,
  known: DroppedPair[],
): DroppedPair[] {
  const seen = new Set(known.flatMap((p) => [`${p.a}|${p.b}`, `${p.b}|${p.a}`]));
  const sounds = [...info].sort(([, x], [, y]) => x.durationS - y.durationS);
  const found: DroppedPair[] = [];
  for (let i = 0; i < sounds.length; i++) {
    const [a, sa] = sounds[i]!;
    for (let j = i + 1; j < sounds.length; j++) {
      const [b, sb] = sounds[j]!;
      if (sb.durationS - sa.durationS > SAME_LENGTH_S) break;
      if (seen.has(`${a}|${b}`)) continue;
      if (waveformCorrelation(sa.head, sb.head, SAME_RECORDING_LAG_S, SCREEN_SAMPLES) < 0.99)
        continue;
      const correlation = waveformCorrelation(sa.head, sb.head, SAME_RECORDING_LAG_S);
      if (correlation < COPY_CORRELATION) continue;
      found.push({
        a,
        b,
        label: 'not-same',
        kind: 'hidden-copy',
        detail: 'two originals of one recording',
        correlation: Math.round(correlation * 1e4) / 1e4,
        reason: 'copy',
      });
    }
  }
  return found;
}
