import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const HYDROGEN_KITS_DIR = '/usr/share/hydrogen/data/drumkits';

/** One sample of an instrument, played for velocities `minVelocity`..`maxVelocity` (0..1). */
export interface KitLayer {
  /** Absolute path of the sample. */
  file: string;
  minVelocity: number;
  maxVelocity: number;
}

export interface KitInstrument {
  name: string;
  /** Velocity layers and round robins: different recordings of one instrument. */
  layers: KitLayer[];
}

export interface DrumKit {
  name: string;
  instruments: KitInstrument[];
}

const tag = (block: string, name: string): string | null =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)?.[1]?.trim() ?? null;

const decodeEntities = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Reads a Hydrogen drumkit.xml: every instrument with its layers (a `<layer>` list, or one
 * `<filename>` in the older format). Samples missing from the folder (a kit's own mistakes)
 * are left out, and so are instruments without any.
 */
export function parseDrumkitXml(xml: string, kitDir: string, kitName: string): DrumKit {
  const instruments: KitInstrument[] = [];
  for (const [, block = ''] of xml.matchAll(/<instrument>([\s\S]*?)<\/instrument>/g)) {
    const name = decodeEntities(tag(block, 'name') ?? '');
    const layers: KitLayer[] = [];
    for (const [, layer = ''] of block.matchAll(/<layer>([\s\S]*?)<\/layer>/g)) {
      const file = tag(layer, 'filename');
      if (!file) continue;
      layers.push({
        file: join(kitDir, decodeEntities(file)),
        minVelocity: Number(tag(layer, 'min') ?? 0),
        maxVelocity: Number(tag(layer, 'max') ?? 1),
      });
    }
    const single = layers.length === 0 ? tag(block, 'filename') : null;
    if (single)
      layers.push({ file: join(kitDir, decodeEntities(single)), minVelocity: 0, maxVelocity: 1 });
    const present = layers.filter((layer) => existsSync(layer.file));
    if (present.length > 0) instruments.push({ name, layers: present });
  }
  return { name: kitName, instruments };
}

/**
 * Every Hydrogen kit installed under {@link HYDROGEN_KITS_DIR}, by folder name; [] when none.
 * A sample file whose bytes were seen before (two instruments, or two kits, naming one file)
 * is kept only the first time: a second would be an unlabelled copy.
 */
export async function readHydrogenKits(dir = HYDROGEN_KITS_DIR): Promise<DrumKit[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const seen = new Set<string>();
  const kits: DrumKit[] = [];
  for (const name of names.sort()) {
    const xml = await readFile(join(dir, name, 'drumkit.xml'), 'utf8').catch(() => null);
    if (!xml) continue;
    const kit = parseDrumkitXml(xml, join(dir, name), name);
    const instruments: KitInstrument[] = [];
    for (const instrument of kit.instruments) {
      const layers: KitLayer[] = [];
      for (const layer of instrument.layers) {
        const hash = createHash('sha1')
          .update(await readFile(layer.file))
          .digest('hex');
        if (!seen.has(hash)) layers.push(layer);
        seen.add(hash);
      }
      if (layers.length > 0) instruments.push({ name: instrument.name, layers });
    }
    kits.push({ name, instruments });
  }
  return kits;
}

/** Drum classes by instrument name, the first that matches deciding. */
const DRUM_CLASS_PATTERNS: [string, RegExp][] = [
  ['kick', /kick|\bbd\b|bass ?drum/],
  ['snare', /snare|\bsn\b/],
  ['hihat', /hi-?hat|\bhh\b|hat/],
  ['tom', /tom/],
  ['crash', /crash|splash|china/],
  ['ride', /ride/],
  ['clap', /clap/],
  ['rim', /rim|stick/],
  ['cowbell', /cowbell|bell/],
];
/** Every class drumClassOf gives. */
export const DRUM_CLASSES: ReadonlySet<string> = new Set(DRUM_CLASS_PATTERNS.map(([c]) => c));

/** The drum class an instrument name belongs to (`kick`, `snare`...), or null. */
export function drumClassOf(name: string): string | null {
  const n = name.toLowerCase();
  return DRUM_CLASS_PATTERNS.find(([, pattern]) => pattern.test(n))?.[0] ?? null;
}
