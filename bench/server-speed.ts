/**
 * `npm run bench:server`: the import server under load. `sm-server start` runs in a child
 * process (so the load generator does not share its event loop) over a fresh PGlite DATA_DIR,
 * or over a new database on BENCH_DATABASE_URL's PostgreSQL server. The library is first filled
 * with distinct synthetic sounds (real fingerprints and content hashes), then this measures:
 * the preflight check under 1-16 clients, the job status under 16-64 clients, and tus upload
 * throughput of large files beside writing the same bytes to the same disk in the same run.
 * Prints figures only; timings are never asserted. Exits 1 when a preflight answer is not what
 * its item's category should get (the figures would then measure another mix).
 * Options: --library N (2000), --seconds S per scenario (5), --batch N items per check (500),
 * --mix KNOWN,SOUND,NEW percent of check items (50,25,25), --check-clients LIST (1,4,16),
 * --status-clients LIST (16,64), --upload-files N (8), --upload-mb N (32), --chunk-mb N (8),
 * --upload-parallel LIST (1,4), --fill-parallel N (8), --max-row-seconds S (30: a check row
 * whose one round of requests would take longer is skipped).
 * Environment: BENCH_DATABASE_URL (a PostgreSQL server to create the run's database on),
 * BENCH_SERVER_NODE_FLAGS (flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=DIR`).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import xxhash from 'xxhash-wasm';
import { mulberry32 } from '../shared/analysis/prng.js';
import {
  MAX_ENTRIES_PER_INGEST,
  checkResponseSchema,
  type ManifestEntry,
} from '../shared/schemas/index.js';
import { BULK_IMPORT, benchClient, pool, tusUpload, type BenchClient } from './server-api.js';
import { percentile } from './percentile.js';
import { closedLoop, request, type LoadResult } from './server-load.js';
import { fmt, table } from './report.js';
import { createServerData, type ServerData } from '../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import {
  contentHash,
  manifestEntryOf,
  syntheticSound,
  variantSound,
  type SyntheticSound,
} from './server-sounds.js';

const { values } = parseArgs({
  options: {
    library: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '500' },
    mix: { type: 'string', default: '50,25,25' },
    'check-clients': { type: 'string', default: '1,4,16' },
    'status-clients': { type: 'string', default: '16,64' },
    'upload-files': { type: 'string', default: '8' },
    'upload-mb': { type: 'string', default: '32' },
    'chunk-mb': { type: 'string', default: '8' },
    'upload-parallel': { type: 'string', default: '1,4' },
    'fill-parallel': { type: 'string', default: '8' },
    'max-row-seconds': { type: 'string', default: '30' },
  },
});

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a number above 0`);
  return n;
}
const list = (name: string, text: string) =>
  text.split(',').map((t) => Math.round(positive(name, t.trim())));

const LIBRARY = Math.round(positive('library', values.library));
const SECONDS = positive('seconds', values.seconds);
const BATCH = Math.round(positive('batch', values.batch));
const CHECK_CLIENTS = list('check-clients', values['check-clients']);
const STATUS_CLIENTS = list('status-clients', values['status-clients']);
const UPLOAD_FILES = Math.round(positive('upload-files', values['upload-files']));
const UPLOAD_BYTES = Math.round(positive('upload-mb', values['upload-mb']) * 2 ** 20);
const CHUNK_BYTES = Math.round(positive('chunk-mb', values['chunk-mb']) * 2 ** 20);
const UPLOAD_PARALLEL = list('upload-parallel', values['upload-parallel']);
const FILL_PARALLEL = Math.round(positive('fill-parallel', values['fill-parallel']));
const MAX_ROW_S = positive('max-row-seconds', values['max-row-seconds']);
const MIX = values.mix.split(',').map(Number);
if (MIX.length !== 3 || MIX.some((m) => !(m >= 0)) || MIX.reduce((a, b) => a + b, 0) <= 0) {
  throw new Error('--mix must be three percentages: KNOWN,SOUND,NEW (e.g. 50,25,25)');
}
/** Distinct check request bodies the clients take turns with. */
const CHECK_BODIES = 8;

const MiB = 2 ** 20;
/** A load result as table cells: requests, req/s, [items/s], p50, p99, failed, CPU shares. */
function loadRow(
  r: LoadResult,
  serverCpuS: number | null,
  clientCpuS: number,
  itemsPerRequest?: number,
): string[] {
  const rate = r.requests / r.seconds;
  const share = (cpuS: number | null) =>
    cpuS === null ? '-' : `${fmt((cpuS / r.seconds) * 100)}%`;
  return [
    String(r.concurrency),
    fmt(r.requests),
    fmt(rate, rate < 10 ? 2 : 0),
    ...(itemsPerRequest === undefined ? [] : [fmt(rate * itemsPerRequest)]),
    fmt(percentile(r.latenciesMs, 50), 1),
    fmt(percentile(r.latenciesMs, 99), 1),
    fmt(r.failures),
    share(serverCpuS),
    share(clientCpuS),
  ];
}

/** Runs `work`; adds the CPU seconds the server process and this process used meanwhile. */
async function withCpu<T>(
  server: ServerProcess,
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; serverCpuS: number | null; clientCpuS: number }> {
  const before = await server.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const after = await server.cpuSeconds();
  return {
    value,
    seconds,
    serverCpuS: before === null || after === null ? null : after - before,
    clientCpuS: (client.user + client.system) / 1e6,
  };
}

/** Runs the load (see withCpu) and prints a few of its failures. */
async function measured(server: ServerProcess, load: () => Promise<LoadResult>) {
  const { value: result, serverCpuS, clientCpuS } = await withCpu(server, load);
  for (const sample of result.failureSamples) console.log(`  failure: ${sample}`);
  return { result, serverCpuS, clientCpuS };
}

// ---------------------------------------------------------------------------------------------

interface Library {
  jobId: string;
  files: number;
  bytes: number;
  seconds: { ingest: number; upload: number };
  /** Files/s over the first and the last quarter of the uploads. */
  quarters: { first: number; last: number };
}

/** One job (keep-both: setup skips the same-sound search) that puts every sound in the library. */
async function fillLibrary(client: BenchClient, sounds: SyntheticSound[]): Promise<Library> {
  const jobId = await client.init('bench: library', 'keep-both');
  const entries = sounds.map((s, i) =>
    manifestEntryOf(s, `Library/Pack ${String(Math.floor(i / 100)).padStart(2, '0')}/hit-${i}.wav`),
  );
  const started = performance.now();
  const toUpload: { entryId: string; sound: SyntheticSound }[] = [];
  for (let at = 0; at < entries.length; at += MAX_ENTRIES_PER_INGEST) {
    const batch = entries.slice(at, at + MAX_ENTRIES_PER_INGEST);
    const answer = await client.ingest(jobId, batch, at + batch.length >= entries.length);
    for (const item of answer.items) {
      if (!item.upload || !item.entry_id) {
        throw new Error(
          `library entry ${item.path} was not accepted: ${item.state} ${item.reason}`,
        );
      }
      toUpload.push({ entryId: item.entry_id, sound: sounds[at + item.index]! });
    }
  }
  const ingested = performance.now();
  const finishedAt: number[] = [];
  await pool(toUpload, FILL_PARALLEL, async ({ entryId, sound }) => {
    const state = await tusUpload(client, entryId, sound.wav);
    if (state !== 'done') throw new Error(`library upload ended as ${state}`);
    finishedAt.push(performance.now());
    if (finishedAt.length % 250 === 0 && process.stderr.isTTY) {
      process.stderr.write(`\r  uploaded ${finishedAt.length}/${toUpload.length}`);
    }
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const uploaded = performance.now();
  // Upload rates over the first and the last quarter: does a growing job or library slow it?
  const n = finishedAt.length;
  const quarter = Math.max(1, Math.floor(n / 4));
  const quarters = {
    first: quarter / ((finishedAt[quarter - 1]! - ingested) / 1000),
    last: quarter / ((finishedAt[n - 1]! - finishedAt[n - 1 - quarter]!) / 1000),
  };
  const status = await client.status(jobId);
  if (status.status !== 'completed' || status.totals.completed !== sounds.length) {
    throw new Error(`the library job ended ${status.status}: ${JSON.stringify(status.totals)}`);
  }
  return {
    jobId,
    files: status.totals.completed,
    bytes: sounds.reduce((sum, s) => sum + s.wav.length, 0),
    seconds: { ingest: (ingested - started) / 1000, upload: (uploaded - ingested) / 1000 },
    quarters,
  };
}

type Category = 'known' | 'sound' | 'new';

interface CheckBody {
  text: string;
  expected: Category[];
}

/** Check request bodies of BATCH items drawn by MIX from the three pools. */
function checkBodies(pools: Record<Category, SyntheticSound[]>): CheckBody[] {
  const rnd = mulberry32(0xc4ec);
  const total = MIX[0]! + MIX[1]! + MIX[2]!;
  return Array.from({ length: CHECK_BODIES }, () => {
    const expected: Category[] = [];
    const items = Array.from({ length: BATCH }, (_, i) => {
      const r = rnd() * total;
      const category: Category = r < MIX[0]! ? 'known' : r < MIX[0]! + MIX[1]! ? 'sound' : 'new';
      const from = pools[category];
      const sound = from[Math.floor(rnd() * from.length)]!;
      expected.push(category);
      return { id: String(i), content_hash: sound.contentHash, fingerprint: sound.fingerprint };
    });
    return { text: JSON.stringify({ items }), expected };
  });
}

/** Items whose answer is not what their category should get (known bytes, same sound, new). */
function wrongAnswers(body: CheckBody, answerText: string): number {
  const { results } = checkResponseSchema.parse(JSON.parse(answerText));
  let wrong = Math.abs(results.length - body.expected.length);
  body.expected.forEach((category, i) => {
    const r = results[i];
    const ok =
      r !== undefined &&
      (category === 'new'
        ? r.action === 'accept'
        : r.action === 'reject' && r.match === (category === 'known' ? 'content' : 'sound'));
    if (!ok) wrong++;
  });
  return wrong;
}

async function checkScenarios(client: BenchClient, server: ServerProcess, bodies: CheckBody[]) {
  const url = `${client.baseUrl}${BULK_IMPORT}/check`;
  const counts = { known: 0, sound: 0, new: 0 };
  for (const body of bodies) for (const c of body.expected) counts[c]++;
  const share = (n: number) => `${fmt((n / (bodies.length * BATCH)) * 100)}%`;
  console.log(
    `  items: ${share(counts.known)} known bytes, ${share(counts.sound)} the same sound in other ` +
      `bytes, ${share(counts.new)} new; every item has a fingerprint`,
  );
  // The first answer to each body is checked item by item: proof the mix is what it says.
  const verified = new Set<number>();
  let wrong = 0;
  const send = async (n: number) => {
    const i = n % bodies.length;
    const { text } = await request(url, {
      method: 'POST',
      headers: client.jsonHeaders,
      body: bodies[i]!.text,
    });
    if (!verified.has(i)) {
      verified.add(i);
      wrong += wrongAnswers(bodies[i]!, text);
    }
  };
  // One request alone: the server's warm-up, and what one round of requests will cost.
  const t0 = performance.now();
  await send(0);
  const aloneMs = performance.now() - t0;
  console.log(`  one request alone (warm-up): ${fmt(aloneMs, 1)} ms`);

  const rows: string[][] = [];
  const skipped: string[] = [];
  for (const concurrency of CHECK_CLIENTS) {
    // The check is CPU-bound in one server process: a round of `concurrency` requests takes
    // about `concurrency` times one request alone, and the row waits for the last answer.
    const roundS = (aloneMs * concurrency) / 1000;
    if (roundS > MAX_ROW_S) {
      skipped.push(`${concurrency} (≈ ${fmt(roundS)} s)`);
      continue;
    }
    const { result, serverCpuS, clientCpuS } = await measured(server, () =>
      closedLoop({ concurrency, seconds: SECONDS, warmup: false, send: (_c, n) => send(n + 1) }),
    );
    rows.push(loadRow(result, serverCpuS, clientCpuS, BATCH));
  }
  table(
    [
      'clients',
      'requests',
      'req/s',
      'items/s',
      'p50 ms',
      'p99 ms',
      'failed',
      'server CPU',
      'load CPU',
    ],
    rows,
  );
  if (skipped.length > 0) {
    console.log(
      `  skipped clients: ${skipped.join(', ')}: one round of requests would take longer than ` +
        `--max-row-seconds ${MAX_ROW_S}`,
    );
  }
  console.log(
    `  answers as expected: ${fmt(verified.size * BATCH - wrong)}/${fmt(verified.size * BATCH)} items ` +
      `(first answer to each of ${verified.size} distinct bodies)`,
  );
  if (wrong > 0) {
    // The figures above then measure another mix than the one announced: not a result.
    console.error(`preflight: ${fmt(wrong)} items were not answered as their category should be`);
    process.exitCode = 1;
  }
}

async function statusScenarios(client: BenchClient, server: ServerProcess, jobId: string) {
  const url = `${client.baseUrl}${BULK_IMPORT}/${jobId}/status`;
  const init = { headers: { authorization: `Bearer ${client.token}` } };
  const rows: string[][] = [];
  for (const concurrency of STATUS_CLIENTS) {
    const { result, serverCpuS, clientCpuS } = await measured(server, () =>
      closedLoop({
        concurrency,
        seconds: SECONDS,
        warmup: true,
        send: async () => {
          await request(url, init);
        },
      }),
    );
    rows.push(loadRow(result, serverCpuS, clientCpuS));
  }
  table(
    ['clients', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'server CPU', 'load CPU'],
    rows,
  );
}

/** Writes each buffer to its own file with writeFile + fsync, `parallel` at a time. */
async function writeReference(dir: string, files: Buffer[], parallel: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  await pool(files, parallel, async (data, i) => {
    const handle = await open(join(dir, `reference-${i}`), 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
  const seconds = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  return seconds;
}

async function uploadScenarios(
  client: BenchClient,
  server: ServerProcess,
  db: ServerData,
  hasher: Awaited<ReturnType<typeof xxhash>>,
) {
  const files = Array.from({ length: UPLOAD_FILES }, () => randomBytes(UPLOAD_BYTES));
  const totalMiB = (UPLOAD_FILES * UPLOAD_BYTES) / MiB;
  const rows: string[][] = [];
  for (const [round, parallel] of UPLOAD_PARALLEL.entries()) {
    // New bytes for each round, or the server would answer "duplicate" without storing them.
    for (const file of files) file.writeUInt32LE(round, 0);
    const entries: ManifestEntry[] = files.map((data, i) => ({
      status: 'ok',
      path: `Stems/round-${round}/stem-${i}.wav`,
      content_hash: contentHash(hasher, data),
      size_bytes: data.length,
    }));
    const jobId = await client.init(`bench: uploads ×${parallel}`, 'skip');
    const answer = await client.ingest(jobId, entries, true);
    const ids = answer.items.map((item) => {
      if (!item.upload || !item.entry_id) throw new Error(`upload entry refused: ${item.reason}`);
      return item.entry_id;
    });
    const {
      value: states,
      seconds: serverS,
      serverCpuS,
      clientCpuS,
    } = await withCpu(server, () =>
      pool(files, parallel, (data, i) => tusUpload(client, ids[i]!, data, CHUNK_BYTES)),
    );
    const notDone = states.filter((s) => s !== 'done').length;
    if (notDone > 0) console.log(`  ${notDone} uploads did not end as done: ${states.join(', ')}`);
    const referenceS = await writeReference(join(db.dataDir, 'reference'), files, parallel);
    const tusRate = totalMiB / serverS;
    const reference = totalMiB / referenceS;
    const share = (cpuS: number | null) =>
      cpuS === null ? '-' : `${fmt((cpuS / serverS) * 100)}%`;
    rows.push([
      String(parallel),
      fmt(serverS, 2),
      fmt(tusRate, 1),
      share(serverCpuS),
      share(clientCpuS),
      fmt(referenceS, 2),
      fmt(reference, 1),
      `${fmt(tusRate / reference, 2)}×`,
    ]);
  }
  table(
    [
      'parallel',
      'tus s',
      'tus MiB/s',
      'server CPU',
      'load CPU',
      'write s',
      'write+fsync MiB/s',
      'tus/write',
    ],
    rows,
  );
}

// ---------------------------------------------------------------------------------------------

const adminUrl = process.env.BENCH_DATABASE_URL || null;
/** Extra flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
const SERVER_NODE_FLAGS = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const cpu = cpus();
console.log(
  'Import server speed (sm-server in a child process; load from this process over fetch)',
);
console.log(
  `machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ` +
    `${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`,
);

let db: ServerData | null = null;
let server: ServerProcess | null = null;
let cleaning: Promise<void> | null = null;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await server?.stop().catch((e: unknown) => console.error(`stopping the server: ${String(e)}`));
    await db?.dispose().catch((e: unknown) => console.error(`removing the data: ${String(e)}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  db = await createServerData({ database: adminUrl ? { adminUrl } : 'pglite', label: 'bench' });
  console.log(`database: ${db.description}`);

  const hasher = await xxhash();
  let t = performance.now();
  const library = Array.from({ length: LIBRARY }, (_, i) => syntheticSound(hasher, i));
  const poolSize = Math.max(50, Math.round(BATCH / 2));
  const pools: Record<Category, SyntheticSound[]> = {
    known: library,
    sound: Array.from({ length: Math.min(poolSize, LIBRARY) }, (_, i) =>
      variantSound(hasher, Math.floor((i * LIBRARY) / Math.min(poolSize, LIBRARY))),
    ),
    new: Array.from({ length: poolSize }, (_, i) => syntheticSound(hasher, 1_000_000 + i)),
  };
  const bodies = checkBodies(pools);
  console.log(
    `sounds: ${fmt(LIBRARY + pools.sound.length + pools.new.length)} synthesised and fingerprinted ` +
      `in ${fmt((performance.now() - t) / 1000, 1)} s (check bodies ${fmt(bodies[0]!.text.length / 1024)} KiB each)`,
  );

  server = await startServerProcess({ data: db, users: ['bench'], nodeFlags: SERVER_NODE_FLAGS });
  const token = server.tokens.bench!;
  const client = benchClient(server.url, token);
  console.log(`server: ${server.url} (pid ${server.pid})`);

  t = performance.now();
  const lib = await fillLibrary(client, library);
  console.log(
    `library: ${fmt(lib.files)} files, ${fmt(lib.bytes / MiB, 1)} MiB, filled in ` +
      `${fmt((performance.now() - t) / 1000, 1)} s: ingest ${fmt(lib.seconds.ingest, 1)} s ` +
      `(${fmt(lib.files / lib.seconds.ingest)} entries/s, keep-both), ${FILL_PARALLEL} tus uploads at a time ` +
      `${fmt(lib.seconds.upload, 1)} s (${fmt(lib.files / lib.seconds.upload)} files/s; ` +
      `first quarter ${fmt(lib.quarters.first)}, last quarter ${fmt(lib.quarters.last)} files/s)`,
  );

  console.log(
    `\nPreflight: POST ${BULK_IMPORT}/check, ${BATCH} items per request against the ` +
      `${fmt(lib.files)}-file library, ${SECONDS} s per row`,
  );
  await checkScenarios(client, server, bodies);

  console.log(
    `\nJob status: GET ${BULK_IMPORT}/{job_id}/status of the library job (${fmt(lib.files)} entries), ${SECONDS} s per row`,
  );
  await statusScenarios(client, server, lib.jobId);

  console.log(
    `\nUpload: tus-js-client, ${UPLOAD_FILES} files × ${fmt(UPLOAD_BYTES / MiB)} MiB of random bytes, ` +
      `chunkSize ${fmt(CHUNK_BYTES / MiB)} MiB, beside writeFile + fsync of the same bytes in ${db.dataDir}`,
  );
  await uploadScenarios(client, server, db, hasher);

  const errors = server.errorLog().filter((l) => l.trim() !== '');
  console.log(`\nserver error log: ${errors.length === 0 ? 'empty' : `${errors.length} lines`}`);
  for (const line of errors.slice(0, 20)) console.log(`  ${line}`);
} catch (error) {
  process.exitCode = 1;
  console.error(`\nbench:server failed: ${(error as Error).stack ?? String(error)}`);
  if (server) {
    await new Promise((resolve) => setTimeout(resolve, 200)); // lets a crash's exit event in
    const status = server.exitStatus();
    if (status) console.error(`the server process ${status}`);
    const log = server.errorLog();
    if (log.length > 0) console.error(`its error log ends:\n  ${log.slice(-20).join('\n  ')}`);
  }
} finally {
  await cleanUp();
}
