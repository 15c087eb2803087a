import { copyFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  drumClassOf,
  readHydrogenKits,
  type KitInstrument,
  type KitLayer,
} from './hydrogen-kits.js';
import type { Featured } from './featured.js';
import { runTool } from './processes.js';
import type { SetPlan } from './set-plan.js';
import type { SetSize } from './set-size.js';

/** Up to `count` items spread evenly over the list, first and last included. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  if (count === 1) return [items[items.length - 1]!];
  return Array.from(
    { length: count },
    (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!,
  );
}

const overlaps = (a: KitLayer, b: KitLayer) =>
  Math.min(a.maxVelocity, b.maxVelocity) - Math.max(a.minVelocity, b.minVelocity) > 0.01;

/**
 * Plans the Hydrogen kits' samples as originals (each layer its own sound) with the negatives
 * between them: velocity layers and round robins of an instrument, other instruments of the
 * kit, the same drum class in other kits. Returns the featured originals (loudest layers).
 */
export async function planHydrogenOriginals(
  plan: SetPlan,
  size: SetSize,
  rng: () => number,
): Promise<Featured[]> {
  const featured: Featured[] = [];
  const byClass = new Map<string, { kit: string; path: string }[]>();
  const kits = await readHydrogenKits();
  plan.addSources(kits.map((kit) => `hydrogen/${kit.name}`));
  for (const kit of kits) {
    const source = `hydrogen/${kit.name}`;
    const chosen = chooseInstruments(kit.instruments, size.instrumentsPerKit, rng);
    const representatives: string[] = [];
    for (const [index, instrument] of chosen.entries()) {
      const ordered = [...instrument.layers].sort((a, b) => a.minVelocity - b.minVelocity);
      const layers = spread(ordered, size.layersPerInstrument);
      const paths = layers.map((layer) =>
        plan.original(
          source,
          `${instrument.name}-${basename(layer.file, extname(layer.file))}`,
          extname(layer.file).slice(1),
          (out) => copyFile(layer.file, out),
        ),
      );
      for (let i = 0; i + 1 < layers.length; i++) {
        layerPair(plan, layers, paths, i, i + 1, instrument.name);
      }
      if (layers.length > 2) layerPair(plan, layers, paths, 0, layers.length - 1, instrument.name);
      const loudest = paths[paths.length - 1]!;
      representatives.push(loudest);
      if (index < size.featuredPerKit) {
        featured.push({ path: loudest, shape: 'hit', repitch: true });
      }
      if (index === 0) {
        const short = await planShortHit(plan, source, instrument.name, layers[layers.length - 1]!);
        if (short) {
          plan.pair(loudest, short, 'not-same', 'edit', `${SHORT_S * 1000} ms cut of ${loudest}`);
          featured.push({ path: short, shape: 'hit', repitch: false });
        }
      }
      const drumClass = drumClassOf(instrument.name);
      if (drumClass) {
        const list = byClass.get(drumClass) ?? [];
        if (!list.some((e) => e.kit === kit.name)) list.push({ kit: kit.name, path: loudest });
        byClass.set(drumClass, list);
      }
    }
    for (let i = 0; i + 1 < representatives.length; i++) {
      plan.pair(
        representatives[i]!,
        representatives[i + 1]!,
        'not-same',
        'other-instrument',
        `${kit.name}: ${chosen[i]!.name} vs ${chosen[i + 1]!.name}`,
      );
    }
  }
  for (const [drumClass, list] of byClass) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        plan.pair(
          list[i]!.path,
          list[j]!.path,
          'not-same',
          'other-kit',
          `${drumClass}: ${list[i]!.kit} vs ${list[j]!.kit}`,
        );
      }
    }
  }
  return featured;
}

/** Length of the short one-shots cut from kit hits (the shortest sounds), in s. */
const SHORT_S = 0.05;

/**
 * Plans a 50 ms one-shot (the hit's start, faded out over its last 15 ms) as an original of
 * its own, when the hit is long enough for the cut to be an edit; returns its set path.
 */
async function planShortHit(
  plan: SetPlan,
  source: string,
  name: string,
  layer: KitLayer,
): Promise<string | null> {
  const durationS = Number((await runTool('soxi', ['-D', layer.file])).toString());
  if (!(durationS >= 3 * SHORT_S)) return null;
  const cut = ['trim', '0', String(SHORT_S), 'fade', 't', '0', String(SHORT_S), '0.015'];
  return plan.original(
    source,
    `${name}-${basename(layer.file, extname(layer.file))}-short50ms`,
    'wav',
    (out) => runTool('sox', [layer.file, out, ...cut]).then(() => undefined),
  );
}

function layerPair(
  plan: SetPlan,
  layers: KitLayer[],
  paths: string[],
  i: number,
  j: number,
  name: string,
): void {
  const rr = overlaps(layers[i]!, layers[j]!);
  const kind = rr ? 'round-robin' : 'velocity-layer';
  plan.pair(
    paths[i]!,
    paths[j]!,
    'not-same',
    kind,
    `${name}: layer ${i + 1} vs ${j + 1} of ${layers.length}`,
  );
}

/** Instruments of a drum class first (they make other-kit pairs), in a seeded order. */
function chooseInstruments(
  instruments: KitInstrument[],
  count: number,
  rng: () => number,
): KitInstrument[] {
  const keyed = instruments.map((instrument) => ({
    instrument,
    key: (drumClassOf(instrument.name) ? 0 : 1) + rng(),
  }));
  keyed.sort((a, b) => a.key - b.key);
  return keyed.slice(0, count).map((k) => k.instrument);
}
