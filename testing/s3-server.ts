import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

// The tests' own S3 clients run on the lockfile's SDK, as the server does (s3ClientFor).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** s3rver's only credentials: any other key is refused (InvalidAccessKeyId), as S3 would. */
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** An S3-compatible server of one test or bench, on a free port, its data in a temporary folder. */
export interface TestS3Server {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  /** The buckets made at start. */
  buckets: string[];
  /** The settings of a server process that keeps its objects in `bucket` under `prefix`. */
  serverEnv(bucket: string, prefix?: string): Record<string, string>;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

/** Starts s3rver with `buckets` made (names of 3 to 63 lowercase letters, digits, dots, dashes). */
export async function startS3Server(buckets: string[]): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'sm-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
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
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
