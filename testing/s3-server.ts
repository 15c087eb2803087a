import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ROOT } from './paths.js';

// The tests' own S3 clients run on the lockfile's SDK, as the server does (s3ClientConfig).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** s3rver's only credentials: any other key is refused (InvalidAccessKeyId), as S3 would. */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const START_TIMEOUT_MS = 30_000;

/** An S3-compatible server of one test or bench, on a free port, its data in a temporary folder. */
export interface TestS3Server {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** The buckets made at start. */
  buckets: string[];
  /** The settings of a server process that keeps its objects in `bucket` under `prefix`. */
  serverEnv(bucket: string, prefix?: string): Record<string, string>;
  /** A client of this server with its credentials (as a test or bench fills and reads it). */
  client(): S3Client;
  /** Puts one object. */
  put(bucket: string, key: string, body: Buffer | string): Promise<void>;
  /** How many times each object was read so far, by "BUCKET/KEY". */
  objectReads(): Promise<Record<string, number>>;
  /**
   * Shapes the listings of `prefix` from now on (pages of at most `maxKeys`; once `failAfter`
   * listings were answered, the next `failTimes` fail with 500); resolves with how many
   * listings of it were answered and failed so far. Without settings it only counts.
   */
  listings(
    prefix: string,
    settings?: { maxKeys?: number; failAfter?: number; failTimes?: number },
  ): Promise<{ answered: number; failed: number }>;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

/**
 * Starts s3rver (testing/s3rver-process.ts, a process of its own) with `buckets` made (names
 * of 3 to 63 lowercase letters, digits, dots and dashes).
 */
export async function startS3Server(buckets: string[]): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'sm-s3-'));
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      join(ROOT, 'testing', 's3rver-process.ts'),
      directory,
      ...buckets,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`s3rver did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
      START_TIMEOUT_MS,
    );
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      output += s;
      const line = /\{"port":(\d+)\}/.exec(output);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code}:\n${output}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3_TEST_CREDENTIALS,
  });
  return {
    client: () => client,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async objectReads() {
      const res = await fetch(`${endpoint}/__sm/object-reads`);
      if (!res.ok) throw new Error(`s3rver answered ${res.status} for its read counts`);
      return (await res.json()) as Record<string, number>;
    },
    async listings(prefix, settings = {}) {
      const query = new URLSearchParams({ prefix });
      if (settings.maxKeys !== undefined) query.set('max_keys', String(settings.maxKeys));
      if (settings.failAfter !== undefined) query.set('fail_after', String(settings.failAfter));
      if (settings.failTimes !== undefined) query.set('fail_times', String(settings.failTimes));
      const res = await fetch(`${endpoint}/__sm/listings?${query}`);
      if (!res.ok) throw new Error(`s3rver answered ${res.status} for its listings`);
      return (await res.json()) as { answered: number; failed: number };
    },
    endpoint,
    buckets,
    serverEnv: (bucket, prefix = '') => ({
      OBJECT_STORE: `s3://${bucket}/${prefix}`,
      OBJECT_STORE_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    }),
    async close() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
