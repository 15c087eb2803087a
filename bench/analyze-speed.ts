/**
 * `npm run bench:analyze`: files per hour, CPU ms per file and peak memory of the analysis
 * for short samples and for three-minute tracks, with 1 worker and with every core, beside
 * native ffmpeg decoding of the same files in the same run.
 * CPU counts this process, its worker threads and the ffmpeg processes it started.
 * Options: --short N (default 300), --tracks N (default 16), --dir PATH (corpus cache).
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ffmpegDecode } from './ffmpeg-reference.js';
import { ensureSpeedCorpus } from './speed-corpus.js';

const { values } = parseArgs({
  options: {
    short: { type: 'string', default: '300' },
    tracks: { type: 'string', default: '16' },
    dir: { type: 'string', default: join(tmpdir(), 'sm-import-bench') },
  },
});
const cores = availableParallelism();

interface RunFigures {
  files: number;
  errors: number;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

function measureRun(dir: string, workers: number): Promise<RunFigures> {
  const script = fileURLToPath(new URL('./analyze-run.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, String(workers)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`analyze-run exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as RunFigures);
    });
  });
}

async function ffmpegReference(
  dir: string,
  parallel: number,
): Promise<{ wallMs: number; files: number }> {
  const files = (await readdir(dir)).map((f) => join(dir, f));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < files.length) await ffmpegDecode(files[next++]!);
    }),
  );
  return { wallMs: performance.now() - started, files: files.length };
}

const perHour = (files: number, ms: number) => Math.round((files / ms) * 3_600_000);
const corpus = await ensureSpeedCorpus(values.dir, Number(values.short), Number(values.tracks));
console.log(`Analysis speed on ${cores} cores (corpus in ${values.dir})`);
for (const [label, dir] of [
  ['short samples (0.1-16 s)', corpus.short],
  ['3-minute tracks', corpus.tracks],
] as const) {
  console.log(`\n${label}: ${dir}`);
  for (const workers of [...new Set([1, cores])]) {
    const r = await measureRun(dir, workers);
    const ref = await ffmpegReference(dir, workers);
    console.log(
      `  ${workers} worker(s): ${perHour(r.files, r.wallMs).toLocaleString('en')} files/h, ` +
        `${(r.cpuMs / r.files).toFixed(1)} CPU ms/file, wall ${(r.wallMs / 1000).toFixed(1)} s, ` +
        `peak RSS ${r.maxRssMb.toFixed(0)} MB, ${r.errors} errors | ffmpeg decode alone ×${workers}: ` +
        `${perHour(ref.files, ref.wallMs).toLocaleString('en')} files/h (analysis takes ${(r.wallMs / ref.wallMs).toFixed(2)}× ffmpeg's decode time)`,
    );
  }
}
