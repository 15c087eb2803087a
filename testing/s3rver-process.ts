import S3rver from 's3rver';

// s3rver in a process of its own (testing/s3-server.ts starts it): its continuation tokens are
// sealed with DES, which OpenSSL 3 keeps in its legacy provider, so listings of more than one
// page need `node --openssl-legacy-provider`, a flag the tests' own process should not carry.
// Arguments: DIRECTORY BUCKET...; prints {"port":N} once it listens; stops on SIGTERM.
// GET /__sm/object-reads answers how many times each key was read ({"BUCKET/KEY": N}), for
// tests of what an import fetched.

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: directory!,
  vhostBuckets: false,
  configureBuckets: buckets.map((name) => ({ name })),
});
const reads = new Map<string, number>();
/** s3rver is a Koa application; its typings leave that out. */
interface Context {
  method: string;
  path: string;
  status: number;
  body: unknown;
}
const koa = server as unknown as {
  middleware: ((ctx: Context, next: () => Promise<void>) => Promise<void>)[];
};
koa.middleware.unshift(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/__sm/object-reads') {
    ctx.body = Object.fromEntries(reads);
    return;
  }
  await next();
  // A path-style GET of /BUCKET/KEY that answered with the object (a listing has no key).
  const [, bucket, ...key] = ctx.path.split('/');
  if (ctx.method === 'GET' && bucket && key.join('') !== '' && ctx.status < 300) {
    const name = `${bucket}/${decodeURIComponent(key.join('/'))}`;
    reads.set(name, (reads.get(name) ?? 0) + 1);
  }
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
