/**
 * `build-set.ts --out DIR [--seed N] [--quick]`: builds the labelled duplicate-decision set
 * from the recordings and soundfonts installed on this machine: originals, their
 * copies (`same`) and the sounds that must not be merged with them (`not-same`), split into
 * dev and validation by source; writes the audio under DIR/dev and DIR/validation and the
 * labels to DIR/labels.json.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../../shared/analysis/prng.js';
import { wholeOption } from '../options.js';
import { inspectSound, type SoundInfo } from './inspect-sound.js';
import { findHiddenCopies, guardRecordingPairs } from './label-guard.js';
import { planHydrogenOriginals } from './originals-hydrogen.js';
import { planSequenceOriginals } from './originals-sequences.js';
import { planSoundfontOriginals } from './originals-soundfont.js';
import { planDerived } from './plan-derived.js';
import { forEachLimited } from './processes.js';
import { RenderBatch } from './render-batch.js';
import { SPLITS, writeSetLabels, type SetLabels } from './set-labels.js';
import { SetPlan } from './set-plan.js';
import { FULL_SIZE, QUICK_SIZE } from './set-size.js';
import { summariseSet } from './set-summary.js';
import { availableSoundSets } from './synth.js';

/** Parallel tool processes (ffmpeg, sox, fluidsynth): one per core of the reference machine. */
const JOBS = 2;
/** Originals whose loudest 5 ms are quieter than this are silent (a missing patch). */
const SILENT_DBFS = -70;

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
  },
});
if (!values.out) {
  console.error('usage: build-set.ts --out DIR [--seed N] [--quick]');
  process.exit(2);
}
const dir = resolve(values.out);
const seed = wholeOption('seed', values.seed, 0);
const size = values.quick ? QUICK_SIZE : FULL_SIZE;
const started = Date.now();
const log = (text: string) =>
  console.error(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${text}`);

for (const split of SPLITS) await rm(join(dir, split), { recursive: true, force: true });
const workDir = join(dir, '.work');
await mkdir(workDir, { recursive: true });

const rng = mulberry32(seed);
const plan = new SetPlan(dir);
const batches = (await availableSoundSets()).map((set) => new RenderBatch(set, workDir));
log(`sound sets: ${batches.map((b) => b.set.name).join(', ') || 'none'}`);
const featured = [
  ...(await planHydrogenOriginals(plan, size, rng)),
  ...planSoundfontOriginals(plan, batches, size, rng),
  ...planSequenceOriginals(plan, batches, size, rng),
];

/**
 * Makes every planned file not made yet, each after the file it is made from (a lossy copy of
 * an edit after the edit); a file that fails is removed with what depends on it.
 */
async function makeFiles(made: Set<string>): Promise<void> {
  let todo = [...plan.files.values()].filter((f) => !made.has(f.path));
  const failed: string[] = [];
  // Every folder first: a batch render writes many files at once.
  for (const folder of new Set(todo.map((f) => dirname(plan.abs(f.path))))) {
    await mkdir(folder, { recursive: true });
  }
  while (todo.length > 0) {
    const waiting = new Set(todo.map((f) => f.path));
    const ready = todo.filter((f) => !f.from || !waiting.has(f.from));
    // Only a cycle of `from` leaves nothing ready: a fault of the plan, not of the audio.
    if (ready.length === 0) {
      throw new Error(`files made from each other in a cycle: ${[...waiting].join(', ')}`);
    }
    await forEachLimited(ready, JOBS, async (file) => {
      try {
        await file.make(plan.abs(file.path));
        made.add(file.path);
      } catch (error) {
        console.error(`cannot make ${file.path}: ${String(error).slice(0, 300)}`);
        failed.push(file.path);
      }
    });
    todo = todo.filter((f) => !ready.includes(f));
  }
  plan.remove(failed);
}

const made = new Set<string>();
log(`making ${plan.files.size} originals`);
await makeFiles(made);

log('measuring the originals');
const info = new Map<string, SoundInfo>();
const silent: string[] = [];
await forEachLimited([...plan.files.keys()], JOBS, async (path) => {
  const sound = await inspectSound(plan.abs(path)).catch(() => null);
  if (sound && sound.peakBlockDbfs >= SILENT_DBFS) info.set(path, sound);
  else silent.push(path);
});
if (silent.length > 0)
  log(`left out ${silent.length} silent or unreadable originals (missing patches)`);
plan.remove(silent);
await Promise.all(silent.map((path) => rm(plan.abs(path), { force: true })));

log('checking negative pairs of recordings on their waveforms');
const dropped = guardRecordingPairs(plan, info);
log(`left out ${dropped.length} pairs whose two files are one recording`);
const hidden = findHiddenCopies(info, dropped);
dropped.push(...hidden);
log(`found ${hidden.length} more pairs of originals that are one recording`);

planDerived(
  plan,
  featured.filter((f) => info.has(f.path)),
  info,
  size,
);
log(`making ${plan.files.size - made.size} copies and edits`);
await makeFiles(made);
await rm(workDir, { recursive: true, force: true });

const labels: SetLabels = {
  version: 1,
  seed,
  quick: values.quick,
  files: [...plan.files.values()].map(({ make: _make, ...file }) => file),
  pairs: plan.pairs,
  dropped,
};
await writeSetLabels(dir, labels);
console.log(summariseSet(labels));
log(`done: ${dir}`);
