/**
 * `npm run bench:bucket`: files per hour of an import from an S3 bucket (s3rver on this
 * machine) with 1, 2 and 4 objects analysed at once by one server process, and with the work
 * split over 2 server processes on one PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL;
 * left out without one); beside them, in the same run, `sm-import import` of the same files
 * from disk into a fresh server, and native ffmpeg decoding them (the reference). The server's
 * memory is read when 25, 50, 75 and 100 % of the objects are taken, to see whether it grows
 * with the number of objects; the last setting imports the same prefix again in a new job
 * (objects known by their ETag, none fetched). Figures only: nothing asserted.
 *
 * Usage: node dist/bench/bucket-speed.js [DIR] [--synth N] [--workers 1,2,4]
 *   DIR: a folder of audio (a library of `npm run fixtures:library`); --synth N instead makes
 *   N distinct short WAVs in memory (N = 10000 for the many-small-objects case).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  initResponseSchema,
  jobStatusResponseSchema,
  type JobStatusResponse,
} from '../shared/schemas/index.js';
import { api } from '../testing/api.js';
import { S3_TEST_CREDENTIALS, startS3Server, type TestS3Server } from '../testing/s3-server.js';
import { createServerData, createTestDatabase } from '../testing/server-data.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { audioFilesIn, ffmpegDecodeAll } from './ffmpeg-reference.js';
import { cliImport } from './import-cli.js';
import { wholeOption } from './options.js';
import { fmt, machine, MiB, note, table } from './report.js';
import { meterTree } from './tree-meter.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    synth: { type: 'string' },
    workers: { type: 'string', default: '1,2,4' },
  },
});
const WORKERS = values.workers.split(',').map((w) => wholeOption('workers', w.trim()));
const BUCKET = 'sm-bench-bucket';
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? null;

interface Row {
  how: string;
  files: number;
  wallS: number;
  outcome: string;
  rssAtQuarters: string;
}

/** A short distinct hit: a decaying tone of its own pitch and length, with a little noise. */
function synthWav(index: number): Buffer {
  const rate = 22050;
  const frames = Math.round(rate * (0.15 + (index % 7) * 0.05));
  const pitch = 110 * 2 ** ((index % 61) / 12) * (1 + Math.floor(index / 61) * 0.0013);
  const data = Buffer.alloc(frames * 2);
  const noise = randomBytes(frames);
  for (let i = 0; i < frames; i++) {
    const t = i / rate;
    const v = Math.sin(2 * Math.PI * pitch * t) * Math.exp(-t * 9) + (noise[i]! - 128) / 4000;
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 20000), i * 2);
  }
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

/** Puts the files in the bucket under `prefix`, 16 at a time; returns their keys' count. */
async function fill(s3: TestS3Server, prefix: string, files: [string, () => Promise<Buffer>][]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < files.length) {
        const [key, body] = files[next++]!;
        await s3.put(BUCKET, `${prefix}${key}`, await body());
      }
    }),
  );
}

/** Imports `s3://BUCKET/prefix` into `servers[0]`'s library, watching every server's memory. */
async function bucketImport(
  s3: TestS3Server,
  servers: ServerProcess[],
  token: string,
  prefix: string,
  files: number,
): Promise<Omit<Row, 'how'>> {
  const client = api(servers[0]!.url, token);
  const jobId = initResponseSchema.parse(
    (await client.init({ source: `bench ${prefix}` })).body,
  ).job_id;
  const meters = servers.map((s) => meterTree(s.pid));
  const started = performance.now();
  const answer = await client.ingest({
    job_id: jobId,
    source: {
      s3: {
        url: `s3://${BUCKET}/${prefix}`,
        endpoint: s3.endpoint,
        access_key_id: S3_TEST_CREDENTIALS.accessKeyId,
        secret_access_key: S3_TEST_CREDENTIALS.secretAccessKey,
      },
    },
  });
  if (answer.status !== 200) throw new Error(`ingest: ${JSON.stringify(answer.body)}`);
  const quarters: string[] = [];
  let status: JobStatusResponse;
  let resets = 0;
  for (;;) {
    // A request that meets the server's thread stalled can find its connection reset: counted
    // and asked again, so that the run still gives its figures.
    const answer = await client.status(jobId).catch((error: unknown) => {
      resets++;
      if (resets > 20) throw error;
      return null;
    });
    if (!answer) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    status = jobStatusResponseSchema.parse(answer.body);
    const t = status.totals;
    const taken = t.completed + t.duplicates + t.failed;
    while (quarters.length < 4 && taken >= ((quarters.length + 1) * files) / 4) {
      const rss = await Promise.all(meters.map((m) => m.sampleNow()));
      quarters.push(rss.map((r) => fmt((r?.rssBytes ?? 0) / MiB)).join('+'));
    }
    if (['completed', 'failed', 'cancelled'].includes(status.status)) {
      // Objects left out as not audio end no entry: the last quarters are read at the end.
      while (quarters.length < 4) {
        const rss = await Promise.all(meters.map((m) => m.sampleNow()));
        quarters.push(rss.map((r) => fmt((r?.rssBytes ?? 0) / MiB)).join('+'));
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const wallS = (performance.now() - started) / 1000;
  for (const m of meters) m.stop();
  const t = status.totals;
  return {
    files,
    wallS,
    outcome: `${status.status}: ${t.completed} stored, ${t.duplicates} duplicates, ${t.failed} failed${resets > 0 ? `; ${resets} status requests reset` : ''}`,
    rssAtQuarters: quarters.join(' / '),
  };
}

async function main(): Promise<void> {
  const synth = values.synth ? wholeOption('synth', values.synth) : null;
  const dir = positionals[0] ? resolve(positionals[0]) : null;
  if (!synth && !dir) throw new Error('give a DIR of audio, or --synth N');
  note(machine());
  const work = await mkdtemp(join(tmpdir(), 'sm-bench-bucket-'));
  const s3 = await startS3Server([BUCKET]);
  const rows: Row[] = [];
  try {
    const paths = dir ? await audioFilesIn(dir) : [];
    const files: [string, () => Promise<Buffer>][] = dir
      ? paths.map((p) => [relative(dir, p), () => readFile(p)])
      : Array.from({ length: synth! }, (_, i) => [
          `hits/hit-${String(i).padStart(5, '0')}.wav`,
          () => Promise.resolve(synthWav(i)),
        ]);
    note(`${files.length} files; filling the bucket once per run…`);

    if (dir) {
      const ref = await ffmpegDecodeAll(paths, availableParallelism());
      rows.push({
        how: `reference: native ffmpeg decodes them (${availableParallelism()} at once)`,
        files: paths.length,
        wallS: ref.wallMs / 1000,
        outcome: `${ref.failed} not decoded`,
        rssAtQuarters: '',
      });
      const server = await startServerProcess({ label: 'bench' });
      try {
        const cli = await cliImport({
          dir,
          serverUrl: server.url,
          token: server.token,
          stateDir: await mkdtemp(join(work, 'state-')),
          stallS: 300,
        });
        const t = cli.final?.totals;
        rows.push({
          how: 'sm-import import DIR (from disk, PGlite server)',
          files: cli.found,
          wallS: cli.wallMs / 1000,
          outcome: t
            ? `${t.completed} stored, ${t.duplicates} duplicates, ${t.failed} failed`
            : '?',
          rssAtQuarters: '',
        });
      } finally {
        await server.close();
      }
    }

    for (const workers of WORKERS) {
      const prefix = `w${workers}/`;
      await fill(s3, prefix, files);
      const server = await startServerProcess({
        label: 'bench',
        env: { BUCKET_ENDPOINTS: s3.endpoint, BUCKET_WORKERS: String(workers) },
      });
      try {
        rows.push({
          how: `bucket, 1 process (PGlite), ${workers} at once`,
          ...(await bucketImport(s3, [server], server.token, prefix, files.length)),
        });
        if (workers === WORKERS.at(-1)) {
          // The same prefix in a second job: every object known by its ETag, none fetched.
          rows.push({
            how: `the same bucket again (new job, ${workers} at once)`,
            ...(await bucketImport(s3, [server], server.token, prefix, files.length)),
          });
        }
      } catch (error) {
        note(`the server's last output:\n${server.log().slice(-4000)}`);
        throw error;
      } finally {
        const slow = server
          .log()
          .split('\n')
          .filter((l) => l.includes('work queue:'));
        if (slow.length > 0) note(slow.join('\n'));
        await server.close();
      }
    }

    if (PG_ADMIN) {
      const prefix = 'p2/';
      await fill(s3, prefix, files);
      const database = await createTestDatabase({ adminUrl: PG_ADMIN }, 'bench');
      const servers: ServerProcess[] = [];
      const folders: { dispose(): Promise<void> }[] = [];
      try {
        const env = {
          BUCKET_ENDPOINTS: s3.endpoint,
          BUCKET_WORKERS: '1',
          SECRET_KEY: 'ab'.repeat(32),
        };
        for (let i = 0; i < 2; i++) {
          const data = await createServerData({ database: 'pglite', label: 'bench' });
          folders.push(data);
          servers.push(
            await startServerProcess({
              data: {
                ...data,
                kind: 'postgres',
                databaseUrl: database.databaseUrl,
                env: { ...data.env, DATABASE_URL: database.databaseUrl! },
              },
              env,
              users: i === 0 ? ['bench'] : ['other'],
            }),
          );
        }
        rows.push({
          how: 'bucket, 2 processes on PostgreSQL, 1 at once each',
          ...(await bucketImport(s3, servers, servers[0]!.tokens.bench!, prefix, files.length)),
        });
      } finally {
        for (const s of servers) await s.close();
        for (const f of folders) await f.dispose();
        await database.drop();
      }
    } else {
      note('no BENCH_DATABASE_URL or TEST_DATABASE_URL: the two-process run is left out');
    }
  } finally {
    await s3.close();
    await rm(work, { recursive: true, force: true });
  }
  table(
    ['how', 'files', 'wall s', 'files/hour', 'outcome', 'server RSS MiB at 25/50/75/100 %'],
    rows.map((r) => [
      r.how,
      String(r.files),
      fmt(r.wallS, 1),
      fmt((r.files / r.wallS) * 3600),
      r.outcome,
      r.rssAtQuarters,
    ]),
  );
}

await main();
