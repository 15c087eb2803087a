import S3rver from 's3rver';

// s3rver in a process of its own (testing/s3-server.ts starts it): its continuation tokens are
// sealed with DES, which OpenSSL 3 keeps in its legacy provider, so listings of more than one
// page need `node --openssl-legacy-provider`, a flag the tests' own process should not carry.
// Arguments: DIRECTORY BUCKET...; prints {"port":N} once it listens; stops on SIGTERM.
// GET /__sm/object-reads answers how many times each key was read ({"BUCKET/KEY": N}), for
// tests of what an import fetched.
// GET /__sm/listings?prefix=P[&max_keys=N][&fail_after=A&fail_times=F] shapes the listings of
// prefix P from then on: pages of at most N keys, and once A listings of P were answered, the
// next F answer 500 InternalError (a store that fails mid-listing); it answers how many listings
// of P were answered and failed so far ({"answered","failed"}).

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
  query: Record<string, string | undefined>;
  type: string;
}
interface ListingRule {
  maxKeys: number | null;
  failAfter: number | null;
  failTimes: number;
  answered: number;
  failed: number;
}
const listings = new Map<string, ListingRule>();
const koa = server as unknown as {
  middleware: ((ctx: Context, next: () => Promise<void>) => Promise<void>)[];
};
koa.middleware.unshift(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/__sm/object-reads') {
    ctx.body = Object.fromEntries(reads);
    return;
  }
  if (ctx.method === 'GET' && ctx.path === '/__sm/listings') {
    const { prefix = '', max_keys, fail_after, fail_times } = ctx.query;
    const rule = listings.get(prefix) ?? {
      maxKeys: null,
      failAfter: null,
      failTimes: 0,
      answered: 0,
      failed: 0,
    };
    if (max_keys) rule.maxKeys = Number(max_keys);
    if (fail_after) rule.failAfter = Number(fail_after);
    if (fail_times) rule.failTimes = Number(fail_times);
    listings.set(prefix, rule);
    ctx.body = { answered: rule.answered, failed: rule.failed };
    return;
  }
  // A listing (GET /BUCKET with list-type=2) of a prefix some test shapes.
  const rule =
    ctx.method === 'GET' && /^\/[^/]+\/?$/.test(ctx.path) && ctx.query['list-type'] === '2'
      ? listings.get(ctx.query.prefix ?? '')
      : undefined;
  if (rule) {
    if (rule.failAfter !== null && rule.answered >= rule.failAfter && rule.failTimes > 0) {
      rule.failTimes--;
      rule.failed++;
      ctx.status = 500;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>failed on purpose</Message></Error>';
      return;
    }
    const asked = Number(ctx.query['max-keys'] ?? 1000);
    if (rule.maxKeys !== null && asked > rule.maxKeys) {
      ctx.query = { ...ctx.query, 'max-keys': String(rule.maxKeys) };
    }
    rule.answered++;
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
