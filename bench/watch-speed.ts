/**
 * `npm run bench:watch`: `sm-import import DIR --watch --json` against a fresh PGlite server
 * (`sm-server start`, temporary data folder), as a user runs it.
 *
 * - Latency: `--tries` times, one new 1 s WAV (a tone of its own pitch, so never a duplicate)
 *   is written into the watched folder, and the time is taken from its write's end to the
 *   CLI's `file … done` line for it (the server has stored and recorded it: the line comes
 *   after the upload's commit), read as it arrives; the time to its batch's start
 *   (`watch_batch`) beside it. One file at a time, each once the one before is stored.
 * - Burst: `--burst` new 0.25 s WAVs written as fast as the disk takes them (16 at once, into
 *   10 subfolders): the batches (jobs) the watch made of them, the time from the first write
 *   to the last file's end, and the library's count on the server afterwards.
 * - The CLI's peak RSS (VmHWM over its whole life, and the half-second readings of VmRSS),
 *   then Ctrl-C (SIGINT): it must exit 0 with `watch_stopped` as its last line.
 * Figures only: nothing asserted but that the run went through.
 *
 * Usage: node dist/bench/watch-speed.js [--tries N] [--burst N] [--timeout S]
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rng } from '../fixtures/lib/dsp.js';
import { encodeWav } from '../fixtures/lib/wav.js';
import { watchEventSchema } from '../shared/schemas/index.js';
import { libraryPage } from '../testing/api.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { wholeOption } from './options.js';
import { percentile } from './percentile.js';
import { fmt, machine, MiB, note, table } from './report.js';
import { meterTree } from './tree-meter.js';
import { WatchCli, type OutputLine, type TimedEvent } from './watch-cli.js';

const { values } = parseArgs({
  options: {
    tries: { type: 'string', default: '10' },
    burst: { type: 'string', default: '1000' },
    timeout: { type: 'string', default: '1200' },
  },
});
const TRIES = wholeOption('tries', values.tries);
const BURST = wholeOption('burst', values.burst);
/** How long one wait (the first import, one try, the whole burst) may take, in seconds. */
const TIMEOUT_MS = wholeOption('timeout', values.timeout) * 1000;
const FOLDER = 'watched';
/** States of a `file` event that end the file's part in the import. */
const ENDED = new Set(['done', 'duplicate', 'failed', 'skipped', 'cancelled']);

/**
 * A short sound of its own (`index` seeds it): three partials at random pitches (100 Hz-6 kHz),
 * levels and decays, with a little noise. A tone whose pitch alone differs from another's is
 * the same sound to the server's duplicate check (it allows for pitch shifts), so such files
 * would end as duplicates rather than stored.
 */
function toneWav(index: number, seconds: number): Buffer {
  const sr = 44100;
  const n = Math.round(sr * seconds);
  const rnd = rng(0x5eed + index * 7919);
  const partials = Array.from({ length: 3 }, () => ({
    hz: 100 * 60 ** rnd(),
    level: 0.1 + 0.3 * rnd(),
    decay: 3 + 30 * rnd(),
  }));
  const noise = 0.002 + 0.02 * rnd();
  const ch = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    let v = (rnd() * 2 - 1) * noise;
    for (const p of partials)
      v += p.level * Math.sin(2 * Math.PI * p.hz * t) * Math.exp(-t * p.decay);
    ch[i] = v;
  }
  return encodeWav({ sr, ch: [ch] }, { bits: 16 });
}

/** The file and its state when `line` is a `file` event that ends the file, else null. */
function endOf(line: OutputLine): { path: string; state: string } | null {
  const { type, path, state } = line;
  return type === 'file' && path !== undefined && state !== undefined && ENDED.has(state)
    ? { path, state }
    : null;
}

const since = (events: TimedEvent[], from: number) => events.filter((e) => e.at >= from);
const load = () => fmt(loadavg()[0], 1);

async function main(): Promise<void> {
  note(machine());
  note(
    `load average at the start: ${loadavg()
      .map((l) => fmt(l, 1))
      .join(' ')}`,
  );
  const work = await mkdtemp(join(tmpdir(), 'sm-bench-watch-'));
  let server: ServerProcess | null = null;
  let cli: WatchCli | null = null;
  try {
    server = await startServerProcess({ label: 'bench' });
    note(`server: ${server.url} (PGlite, ${server.dataDir})`);
    const folder = join(work, FOLDER);
    await mkdir(folder);
    await writeFile(join(folder, 'seed.wav'), toneWav(0, 1)); // the first import's one file
    cli = new WatchCli(folder, {
      SM_SERVER: server.url,
      SM_TOKEN: server.token,
      SM_IMPORT_STATE_DIR: await mkdtemp(join(work, 'state-')),
      XDG_CONFIG_HOME: await mkdtemp(join(work, 'config-')),
    });
    const run = cli;
    const meter = meterTree(run.pid);
    const ended = (path: string, from = 0) =>
      run.events.find((e) => e.at >= from && endOf(e.event)?.path === path);
    await run.wait(
      'the watch starts',
      () => run.events.some((e) => e.event.type === 'watching'),
      TIMEOUT_MS,
    );
    const watching = watchEventSchema.parse(
      run.events.find((e) => e.event.type === 'watching')!.event,
    );
    if (watching.type !== 'watching') throw new Error('unreachable: not a watching event');
    note(`watching (mode ${watching.mode}${watching.reason ? `: ${watching.reason}` : ''})`);

    // Latency: one file at a time.
    const latencies: number[] = [];
    const toBatch: number[] = [];
    const latencyLoad = load();
    for (let i = 1; i <= TRIES; i++) {
      const name = `tone-${String(i).padStart(3, '0')}.wav`;
      const rel = `${FOLDER}/${name}`;
      const bytes = toneWav(i, 1);
      const from = performance.now();
      await writeFile(join(folder, name), bytes);
      const written = performance.now();
      await run.wait(`${rel} is stored`, () => ended(rel, from) !== undefined, TIMEOUT_MS);
      const end = ended(rel, from)!;
      if (end.event.state !== 'done')
        throw new Error(`${rel} ended ${end.event.state}, not done: ${JSON.stringify(end.event)}`);
      latencies.push(end.at - written);
      const batch = since(run.events, from).find((e) => e.event.type === 'watch_batch');
      if (batch) toBatch.push(batch.at - written);
      note(`try ${i}/${TRIES}: ${fmt((end.at - written) / 1000, 2)} s (${bytes.length} bytes)`);
    }

    // Burst: every file at once, 16 writes at a time.
    note(`burst: making ${BURST} files…`);
    const files = Array.from({ length: BURST }, (_, i) => ({
      rel: `burst/d${String(i % 10).padStart(2, '0')}/hit-${String(i).padStart(5, '0')}.wav`,
      bytes: toneWav(1000 + i, 0.25),
    }));
    for (let d = 0; d < Math.min(10, BURST); d++)
      await mkdir(join(folder, 'burst', `d${String(d).padStart(2, '0')}`), { recursive: true });
    const burstLoad = [load()];
    const burstFrom = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < files.length) {
          const f = files[next++]!;
          await writeFile(join(folder, f.rel), f.bytes);
        }
      }),
    );
    const writtenMs = performance.now() - burstFrom;
    note(`burst: ${BURST} files written in ${fmt(writtenMs / 1000, 2)} s; waiting for them…`);
    const left = new Set(files.map((f) => `${FOLDER}/${f.rel}`));
    const outcomes = new Map<string, number>();
    let read = 0;
    let lastEnd = burstFrom;
    let lastNote = performance.now();
    await run.wait(
      'every file of the burst ends',
      () => {
        for (; read < run.events.length; read++) {
          const e = run.events[read]!;
          const end = e.at >= burstFrom ? endOf(e.event) : null;
          if (!end || !left.delete(end.path)) continue;
          outcomes.set(end.state, (outcomes.get(end.state) ?? 0) + 1);
          lastEnd = e.at;
        }
        if (performance.now() - lastNote > 15_000) {
          lastNote = performance.now();
          note(`burst: ${BURST - left.size}/${BURST} ended, load ${load()}`);
          burstLoad.push(load());
        }
        return left.size === 0;
      },
      TIMEOUT_MS,
    );
    burstLoad.push(load());
    const burstEvents = since(run.events, burstFrom);
    const batches = burstEvents
      .filter((e) => e.event.type === 'watch_batch')
      .map((e) => watchEventSchema.parse(e.event))
      .map((b) => (b.type === 'watch_batch' ? b.files : 0));
    const firstBatchMs =
      (burstEvents.find((e) => e.event.type === 'watch_batch')?.at ?? NaN) - burstFrom;
    const jobs = new Set(
      burstEvents.filter((e) => e.event.type === 'job').map((e) => e.event.job_id),
    );
    const retries = burstEvents.filter((e) => e.event.type === 'watch_retry').length;
    const library = await libraryPage(server.url, server.token, { limit: 1 });

    // The CLI's memory, then Ctrl-C.
    const memory = await run.memory();
    await meter.sampleNow();
    meter.stop();
    const exit = await run.stop();
    if (exit.killed) throw new Error(`sm-import did not end within 60 s of SIGINT\n${run.tail()}`);
    const last = run.events.at(-1)?.event;
    if (exit.code !== 0 || last?.type !== 'watch_stopped')
      throw new Error(
        `sm-import ended ${exit.code ?? exit.signal} after SIGINT, last line ${JSON.stringify(last)} ` +
          `(expected 0 and watch_stopped)\n${run.tail()}`,
      );
    const stopped = watchEventSchema.parse(last);
    if (run.garbage.length > 0)
      note(`lines of stdout that are not JSON:\n${run.garbage.join('\n')}`);

    const sorted = [...latencies].sort((a, b) => a - b);
    const sortedBatch = [...toBatch].sort((a, b) => a - b);
    const s = (ms: number) => fmt(ms / 1000, 2);
    console.log(
      `\nsm-import import DIR --watch --json, one PGlite server on this machine; ${machine()}`,
    );
    console.log(
      `\nLatency: ${TRIES} × one 1 s WAV (88 KB), from its write's end to the CLI's "file … done" ` +
        `line for it (read from the CLI's --json output), one at a time; load average ${latencyLoad}`,
    );
    table(
      ['seconds', 'median', 'p90', 'min', 'max'],
      [
        ['write end → stored', ...[50, 90, 0, 100].map((p) => s(percentile(sorted, p)))],
        [
          'write end → its batch starts',
          ...[50, 90, 0, 100].map((p) => s(percentile(sortedBatch, p))),
        ],
      ],
    );
    console.log(
      `\nBurst: ${fmt(BURST)} new 0.25 s WAVs (22 KB) in 10 folders, written in ${s(writtenMs)} s ` +
        `(16 writes at once); load average ${burstLoad.join(' → ')}`,
    );
    table(
      ['figure', 'value'],
      [
        ['batches (watch_batch)', `${batches.length}: ${batches.join(' + ')} files`],
        ['jobs', String(jobs.size)],
        ['batches tried again (watch_retry)', String(retries)],
        ['first write → first batch starts, s', s(firstBatchMs)],
        ['first write → every file ended, s', s(lastEnd - burstFrom)],
        ['files per second over that time', fmt(BURST / ((lastEnd - burstFrom) / 1000), 1)],
        ['outcomes', [...outcomes].map(([k, v]) => `${v} ${k}`).join(', ')],
        [
          'files in the library after (all runs)',
          `${fmt(library.total)} (${fmt(1 + TRIES + (outcomes.get('done') ?? 0))} stored by the CLI)`,
        ],
      ],
    );
    console.log('\nThe CLI process');
    table(
      ['figure', 'value'],
      [
        ['peak RSS over its life (VmHWM), MiB', fmt((memory?.hwm ?? NaN) / MiB)],
        ['highest half-second VmRSS reading, MiB', fmt((meter.peakRssBytes() ?? NaN) / MiB)],
        ['RSS at the end, MiB', fmt((memory?.rss ?? NaN) / MiB)],
        ['exit after SIGINT', String(exit.code)],
        ['last line', JSON.stringify(stopped)],
      ],
    );
  } catch (error) {
    if (cli) await cli.stop(10_000).catch(() => {});
    if (server && !server.running())
      note(`the server ${server.exitStatus()}; its last output:\n${server.log().slice(-4000)}`);
    throw error;
  } finally {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench:watch failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
