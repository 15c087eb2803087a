import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeWav } from '../../../fixtures/lib/wav.js';
import { analysisLineSchema } from '../../../shared/schemas/index.js';

const CLI = join(import.meta.dirname, '../../../bin/sm-import.js');
const RATE = 44100;
const SECONDS = 660; // past the 600 s analysis window, and past the 64 MB whole-read limit

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sm-long-'));
  const pcm = new Float32Array(RATE * SECONDS);
  const beat = (60 / 125) * RATE;
  for (let i = 0; i < pcm.length; i++) {
    const t = (i % beat) / RATE;
    pcm[i] = Math.sin(2 * Math.PI * (55 + 90 * Math.exp(-t * 30)) * t) * Math.exp(-t * 8) * 0.7;
  }
  await writeFile(
    join(dir, 'eleven-minute mix.wav'),
    encodeWav({ sr: RATE, ch: [pcm, pcm] }, { bits: 16 }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it.each([
  ['through ffmpeg', []],
  ['streamed through the in-process decoder', ['--no-ffmpeg']],
])(
  'analyses an 11-minute, 116 MB WAV %s: whole-file duration, bounded analysis window',
  (_how, flags) => {
    const r = spawnSync(process.execPath, [CLI, 'analyze', dir, '--json', ...flags], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(r.status).toBe(0);
    const line = analysisLineSchema.parse(JSON.parse(r.stdout.trim()));
    expect(line).toMatchObject({
      status: 'ok',
      kind: 'track',
      duration_s: SECONDS,
      analysed_s: 600,
    });
    expect(line.bpm).toBeCloseTo(125, 0);
    expect(line.size_bytes).toBeGreaterThan(64 * 1024 * 1024);
  },
);
