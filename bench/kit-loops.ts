/**
 * `npm run bench:kit-loops -- --out DIR [--split development|validation] [--loops N] [--seed S]`:
 * writes drum loops played from real recordings, DIR/labels.json in the fixtures' label shape,
 * for `npm run bench:accuracy -- DIR/labels.json`. Rendered libraries play their drum loops
 * from General MIDI soundfonts; a sample pack's loops are recorded kits, with velocity layers,
 * round robins, ringing cymbals and a drummer's timing. Here each loop is sequenced from the
 * samples of one installed Hydrogen kit (acoustic, electronic and hand-percussion kits):
 * - a groove of a style at a tempo in its usual range (boom bap, rock, house, techno, trap in
 *   half time, drum and bass, breakbeat, dembow, a 12/8 shuffle, a ballad, punk, hand
 *   percussion), 1, 2 or 4 bars, its tempo the one a producer would write;
 * - its parts balanced as a producer mixes them (kick and snare alike, hats and cymbals under
 *   them), every hit at its own velocity, played by the layer a sampler would pick (a round robin
 *   among those that cover it), a timing spread of 0-8 ms, some swing;
 * - its length exactly its bars, the hits that ring past the end wrapped to the start (a
 *   seamless loop) or cut, and some exported with their tail.
 * Truth: the tempo the loop was sequenced at; no key (drums). The splits take the kits in turn,
 * as bench:held-oneshots does: development the even-numbered kits, validation the odd ones.
 * The guitar-strum kit is left out.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../shared/analysis/prng.js';
import { encodeWav, type Audio } from '../fixtures/lib/wav.js';
import {
  drumClassOf,
  readHydrogenKits,
  type DrumKit,
  type KitLayer,
} from './duplicates/hydrogen-kits.js';
import { originalLabel, type FixtureLabel } from './labels.js';

const SAMPLE_RATE = 44100;

/** The parts a groove plays; a kit must have the first three. */
type Role = 'kick' | 'snare' | 'hat' | 'open' | 'ride' | 'crash' | 'tom';

/** One hit of a groove: its step on the bar's grid, its part and its velocity (0..1). */
interface Hit {
  step: number;
  role: Role;
  velocity: number;
}

interface Style {
  name: string;
  /** Tempo range a producer writes for it (BPM, inclusive). */
  bpm: [number, number];
  /** Grid steps per 4/4 bar: 16 (sixteenths) or 12 (triplet eighths). */
  steps: 16 | 12;
  /** Swing of the off sixteenths, as the share of an eighth the first sixteenth takes. */
  swing: [number, number];
  /** The hits of bar `bar` (0-based) of a loop of `bars`. */
  bar(bar: number, bars: number, random: () => number): Hit[];
}

const hits = (role: Role, steps: number[], velocity: number): Hit[] =>
  steps.map((step) => ({ step, role, velocity }));

/** Sixteenth-note hats, accented on the beat; `rolls` adds 32nd-note pairs (trap). */
function sixteenthHats(random: () => number, rolls = false): Hit[] {
  const out: Hit[] = [];
  for (let s = 0; s < 16; s++) {
    out.push({ step: s, role: 'hat', velocity: s % 4 === 0 ? 0.85 : s % 2 === 0 ? 0.65 : 0.5 });
    if (rolls && random() < 0.12) out.push({ step: s + 0.5, role: 'hat', velocity: 0.45 });
  }
  return out;
}

/** The eighth notes of a 16-step bar. */
const EIGHTHS = [0, 2, 4, 6, 8, 10, 12, 14];

const eighthHats = (accent = 0.8, off = 0.55): Hit[] =>
  EIGHTHS.map((step) => ({
    step,
    role: 'hat' as const,
    velocity: step % 4 === 0 ? accent : off,
  }));

/** A crash on the first beat of a loop now and then, and a fill of toms ending its last bar. */
function dressing(bar: number, bars: number, random: () => number, steps = 16): Hit[] {
  const out: Hit[] = [];
  if (bar === 0 && random() < 0.3) out.push({ step: 0, role: 'crash', velocity: 0.8 });
  if (bar === bars - 1 && bars > 1 && random() < 0.3) {
    const from = steps === 16 ? 12 : 9;
    for (let s = from; s < steps; s++) out.push({ step: s, role: 'tom', velocity: 0.7 });
  }
  return out;
}

const STYLES: Style[] = [
  {
    name: 'boom-bap',
    bpm: [78, 98],
    steps: 16,
    swing: [0.54, 0.62],
    bar: (bar, bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 7, 10] : [0, 3, 10], 0.95),
      ...hits('snare', [4, 12], 0.95),
      ...(random() < 0.5 ? hits('snare', [15], 0.35) : []),
      ...eighthHats(),
      ...dressing(bar, bars, random),
    ],
  },
  {
    name: 'rock',
    bpm: [92, 145],
    steps: 16,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 8] : [0, 8, 10], 0.95),
      ...hits('snare', [4, 12], 0.95),
      ...(random() < 0.4 ? hits('ride', EIGHTHS, 0.7) : eighthHats(0.85, 0.6)),
      ...dressing(bar, bars, random),
    ],
  },
  {
    name: 'house',
    bpm: [118, 130],
    steps: 16,
    swing: [0.5, 0.56],
    bar: (bar, bars, random) => [
      ...hits('kick', [0, 4, 8, 12], 1),
      ...hits('snare', [4, 12], 0.85),
      ...hits('open', [2, 6, 10, 14], 0.7),
      ...(random() < 0.6 ? sixteenthHats(random).filter((h) => h.step % 4 !== 2) : []),
      ...dressing(bar, bars, random).filter((h) => h.role === 'crash'),
    ],
  },
  {
    name: 'techno',
    bpm: [124, 142],
    steps: 16,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', [0, 4, 8, 12], 1),
      ...(random() < 0.5 ? hits('snare', [4, 12], 0.7) : hits('snare', [12], 0.7)),
      ...hits('open', [2, 6, 10, 14], 0.65),
      ...sixteenthHats(random),
      ...dressing(bar, bars, random).filter((h) => h.role === 'crash'),
    ],
  },
  {
    // Written at the tempo of its hats: the snare on the third beat, a half-time feel.
    name: 'trap',
    bpm: [130, 160],
    steps: 16,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 11] : [0, 6, 11, 14], 1),
      ...hits('snare', [8], 1),
      ...sixteenthHats(random, true),
      ...dressing(bar, bars, random).filter((h) => h.role === 'crash'),
    ],
  },
  {
    name: 'drum and bass',
    bpm: [160, 178],
    steps: 16,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 10] : [0, 6, 10], 1),
      ...hits('snare', [4, 12], 1),
      ...(random() < 0.5 ? hits('snare', [7, 15], 0.35) : []),
      ...(random() < 0.5 ? eighthHats(0.75, 0.6) : hits('ride', EIGHTHS, 0.65)),
      ...dressing(bar, bars, random),
    ],
  },
  {
    name: 'breakbeat',
    bpm: [96, 132],
    steps: 16,
    swing: [0.5, 0.58],
    bar: (bar, bars, random) => [
      ...hits('kick', bar % 2 === 0 ? [0, 2, 10] : [0, 6, 10, 11], 0.95),
      ...hits('snare', [4, 12], 0.95),
      ...hits('snare', [7, 9, 15], 0.35),
      ...sixteenthHats(random),
      ...dressing(bar, bars, random),
    ],
  },
  {
    name: 'dembow',
    bpm: [88, 102],
    steps: 16,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', [0, 4, 8, 12], 1),
      ...hits('snare', [3, 6, 11, 14], 0.85),
      ...eighthHats(0.6, 0.5),
      ...dressing(bar, bars, random).filter((h) => h.role === 'crash'),
    ],
  },
  {
    // 12/8: four beats of three triplet eighths, the beat being the dotted quarter's tempo.
    name: 'shuffle',
    bpm: [66, 118],
    steps: 12,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 6] : [0, 5, 6], 0.95),
      ...hits('snare', [3, 9], 0.95),
      ...(random() < 0.5
        ? hits('hat', [0, 2, 3, 5, 6, 8, 9, 11], 0.6)
        : hits('ride', [0, 2, 3, 5, 6, 8, 9, 11], 0.6)),
      ...dressing(bar, bars, random, 12),
    ],
  },
  {
    name: 'ballad',
    bpm: [60, 82],
    steps: 16,
    swing: [0.5, 0.56],
    bar: (bar, bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 8] : [0, 6, 8], 0.85),
      ...hits('snare', [4, 12], 0.8),
      ...(random() < 0.5 ? eighthHats(0.6, 0.45) : sixteenthHats(random)),
      ...dressing(bar, bars, random),
    ],
  },
  {
    name: 'punk',
    bpm: [150, 186],
    steps: 16,
    swing: [0.5, 0.5],
    bar: (bar, bars, random) => [
      ...hits('kick', [0, 8], 1),
      ...hits('snare', [4, 12], 1),
      ...eighthHats(0.8, 0.7),
      ...dressing(bar, bars, random),
    ],
  },
];

/** Hand percussion (cajon, djembe, shakers): its own grooves, the same tempo ranges. */
const PERCUSSION_STYLES: Style[] = [
  {
    name: 'percussion',
    bpm: [84, 126],
    steps: 16,
    swing: [0.5, 0.58],
    bar: (_bar, _bars, random) => [
      ...hits('kick', random() < 0.5 ? [0, 10] : [0, 6, 10], 0.95),
      ...hits('snare', [4, 12], 0.9),
      ...hits('snare', [7, 14], 0.45),
      ...sixteenthHats(random),
    ],
  },
  {
    name: 'percussion 12/8',
    bpm: [70, 112],
    steps: 12,
    swing: [0.5, 0.5],
    bar: () => [
      ...hits('kick', [0, 6], 0.95),
      ...hits('snare', [3, 6, 9], 0.85),
      ...hits('hat', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.55),
    ],
  },
];

/** The samples that play each part in one kit: null when it lacks kick, snare or hat. */
type KitParts = Partial<Record<Role, KitLayer[][]>>;

/** Which part an instrument plays, by its name (drum kits first, then hand percussion). */
function roleOf(name: string): Role | null {
  const n = name.toLowerCase();
  const drum = drumClassOf(n);
  if (drum === 'hihat')
    return /open|\bop\b|ohh/.test(n) ? 'open' : /pedal|choke|swish/.test(n) ? null : 'hat';
  if (drum === 'kick' || drum === 'snare' || drum === 'ride' || drum === 'crash' || drum === 'tom')
    return drum;
  if (drum === 'clap') return 'snare';
  if (/thump|djembe\d* bass|dununba\d* head hit/.test(n)) return 'kick';
  if (/slap/.test(n)) return 'snare';
  if (/maraca|shaker|tambourine|djembe\d* tone/.test(n)) return 'hat';
  return null;
}

function kitParts(kit: DrumKit): KitParts | null {
  const parts: KitParts = {};
  for (const instrument of kit.instruments) {
    const role = roleOf(instrument.name);
    if (role) (parts[role] ??= []).push(instrument.layers);
  }
  return parts.kick && parts.snare && parts.hat ? parts : null;
}

/** Decoded samples, stereo at SAMPLE_RATE, by path. */
const decodedSamples = new Map<string, Float32Array[]>();

function sampleAudio(file: string): Float32Array[] {
  let channels = decodedSamples.get(file);
  if (!channels) {
    const raw = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-ac', '2', '-ar', String(SAMPLE_RATE), '-f', 'f32le', '-'],
      { maxBuffer: 1 << 28 },
    );
    const interleaved = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const length = interleaved.length / 2;
    channels = [new Float32Array(length), new Float32Array(length)];
    for (let i = 0; i < length; i++) {
      channels[0]![i] = interleaved[2 * i]!;
      channels[1]![i] = interleaved[2 * i + 1]!;
    }
    decodedSamples.set(file, channels);
  }
  return channels;
}

/**
 * Peak level of each part in the mix (dBFS before the loop is normalised): samples gathered from
 * many sources differ by 20 dB or more, while a producer balances kick and snare and sets hats
 * and cymbals under them.
 */
const MIX_DB: Record<Role, number> = {
  kick: 0,
  snare: -1,
  tom: -3,
  hat: -9,
  open: -9,
  ride: -10,
  crash: -10,
};

/** The gain that brings an instrument's loudest layer to its part's MIX_DB. */
function mixGain(layers: KitLayer[], role: Role): number {
  let peak = 0;
  for (const layer of layers)
    for (const channel of sampleAudio(layer.file))
      for (const v of channel) peak = Math.max(peak, Math.abs(v));
  return peak > 0 ? 10 ** (MIX_DB[role] / 20) / peak : 0;
}

/** The layer a sampler plays at `velocity`: a round robin among those covering it. */
function pickLayer(layers: KitLayer[], velocity: number, random: () => number): KitLayer {
  const covering = layers.filter((l) => l.minVelocity <= velocity && velocity <= l.maxVelocity);
  const choice = covering.length > 0 ? covering : layers;
  return choice[Math.floor(random() * choice.length)]!;
}

type Ending = 'wrap' | 'cut' | 'tail';

interface LoopPlan {
  style: Style;
  bpm: number;
  bars: number;
  ending: Ending;
}

/** Sequences one loop of `plan` from `parts`. */
function renderLoop(plan: LoopPlan, parts: KitParts, random: () => number): Audio {
  const { style, bpm, bars } = plan;
  const barS = (4 * 60) / bpm;
  const loopFrames = Math.round(bars * barS * SAMPLE_RATE);
  const spreadS = [0, 0.002, 0.005, 0.008][Math.floor(random() * 4)]!;
  const swing = style.swing[0] + random() * (style.swing[1] - style.swing[0]);
  // One instrument per part for the whole loop, and its place in the stereo field.
  const played = new Map<Role, { layers: KitLayer[]; level: number; pan: number }>();
  for (const [role, instruments] of Object.entries(parts) as [Role, KitLayer[][]][]) {
    const layers = instruments[Math.floor(random() * instruments.length)]!;
    played.set(role, {
      layers,
      level: mixGain(layers, role),
      pan: role === 'kick' || role === 'snare' ? 0 : (random() - 0.5) * 0.8,
    });
  }
  type Placed = { at: number; samples: Float32Array[]; gain: number; pan: number };
  const placed: Placed[] = [];
  let end = loopFrames;
  for (let bar = 0; bar < bars; bar++) {
    for (const hit of style.bar(bar, bars, random)) {
      // A kit without an open hat or a ride plays its closed hat instead.
      const part =
        played.get(hit.role) ??
        (hit.role === 'open' || hit.role === 'ride' ? played.get('hat') : undefined);
      if (!part) continue;
      const stepS = barS / style.steps;
      // Swing delays the off sixteenths: the first sixteenth of each eighth takes `swing` of it.
      const swungS =
        style.steps === 16 && Number.isInteger(hit.step) && hit.step % 2 === 1
          ? (swing - 0.5) * 2 * stepS
          : 0;
      const jitterS = (random() + random() + random() - 1.5) * spreadS;
      const atS = Math.max(0, bar * barS + hit.step * stepS + swungS + jitterS);
      const velocity = Math.min(1, Math.max(0.05, hit.velocity * (0.85 + 0.3 * random())));
      const samples = sampleAudio(pickLayer(part.layers, velocity, random).file);
      const at = Math.round(atS * SAMPLE_RATE);
      placed.push({ at, samples, gain: part.level * velocity ** 1.5, pan: part.pan });
      end = Math.max(end, at + samples[0]!.length);
    }
  }
  const length = plan.ending === 'tail' ? end : loopFrames;
  const out = [new Float32Array(length), new Float32Array(length)];
  for (const { at, samples, gain, pan } of placed) {
    const gains = [gain * Math.min(1, 1 - pan), gain * Math.min(1, 1 + pan)];
    for (let c = 0; c < 2; c++) {
      const from = samples[c]!;
      const to = out[c]!;
      for (let i = 0; i < from.length; i++) {
        let j = at + i;
        if (j >= length) {
          if (plan.ending !== 'wrap') break;
          j %= length;
        }
        to[j]! += from[i]! * gains[c]!;
      }
    }
  }
  // Peaks at -1 dBFS, as a pack's loops are exported.
  let peak = 0;
  for (const channel of out) for (const v of channel) peak = Math.max(peak, Math.abs(v));
  const scale = peak > 0 ? 10 ** (-1 / 20) / peak : 1;
  for (const channel of out) for (let i = 0; i < channel.length; i++) channel[i]! *= scale;
  return { sr: SAMPLE_RATE, ch: out };
}

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    split: { type: 'string', default: 'validation' },
    loops: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});
const loops = Number(args.loops);
if (
  !args.out ||
  !(args.split === 'development' || args.split === 'validation') ||
  !(Number.isInteger(loops) && loops > 0)
) {
  console.error(
    'usage: npm run bench:kit-loops -- --out DIR [--split development|validation] [--loops N] [--seed S]',
  );
  process.exit(2);
}
const out = resolve(args.out);
await mkdir(out, { recursive: true });
const random = mulberry32(Number(args.seed) + (args.split === 'validation' ? 1000 : 0));

const kits = (await readHydrogenKits()).filter(
  (kit, k) => k % 2 === (args.split === 'development' ? 0 : 1) && !/guitar/i.test(kit.name),
);
const playable = kits.flatMap((kit) => {
  const parts = kitParts(kit);
  return parts ? [{ kit, parts }] : [];
});
if (playable.length === 0) {
  console.error(
    'no Hydrogen kit with a kick, a snare and a hat: apt-get install hydrogen-drumkits',
  );
  process.exit(1);
}

const labels: FixtureLabel[] = [];
for (let n = 0; n < loops; n++) {
  const { kit, parts } = playable[n % playable.length]!;
  const drumKit = kit.instruments.some((i) => drumClassOf(i.name) === 'kick');
  const styles = drumKit ? STYLES : PERCUSSION_STYLES;
  const style = styles[Math.floor(random() * styles.length)]!;
  const bpm = style.bpm[0] + Math.floor(random() * (style.bpm[1] - style.bpm[0] + 1));
  const bars = [1, 2, 2, 4, 4][Math.floor(random() * 5)]!;
  const roll = random();
  const ending: Ending = roll < 0.5 ? 'wrap' : roll < 0.85 ? 'cut' : 'tail';
  const audio = renderLoop({ style, bpm, bars, ending }, parts, random);
  const path = `loop-${String(n + 1).padStart(4, '0')}.wav`;
  await writeFile(join(out, path), encodeWav(audio, { bits: 16 }));
  labels.push(
    originalLabel({
      path,
      kind: 'loop',
      bpm,
      key: null,
      format: 'wav',
      drums: true,
      note: `${style.name}, ${bars} bar${bars > 1 ? 's' : ''}, ${ending}, ${kit.name}`,
    }),
  );
}
await writeFile(join(out, 'labels.json'), JSON.stringify({ files: labels }, null, 1));
console.log(`${labels.length} loops from ${playable.length} kits in ${out}/labels.json`);
