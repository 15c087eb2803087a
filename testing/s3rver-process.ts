import S3rver from 's3rver';

// s3rver in a process of its own (testing/s3-server.ts starts it): its continuation tokens are
// sealed with DES, which OpenSSL 3 keeps in its legacy provider, so listings of more than one
// page need `node --openssl-legacy-provider`, a flag the tests' own process should not carry.
// Arguments: DIRECTORY BUCKET...; prints {"port":N} once it listens; stops on SIGTERM.

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: directory!,
  vhostBuckets: false,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
