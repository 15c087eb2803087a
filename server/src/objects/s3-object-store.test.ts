import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  S3_TEST_CREDENTIALS,
  startS3Server,
  type TestS3Server,
} from '../../../testing/s3-server.js';
import { loadConfig } from '../config.js';
import { parseS3Url } from '../../../shared/s3/s3-url.js';
import { ObjectStoreUnavailableError, S3ObjectStore } from './s3-object-store.js';

// The S3 object store against an S3-compatible server (s3rver) on this machine: the calls the
// library makes (put, size, ranged read, a local copy for re-fingerprinting, remove), the prefix,
// and a bucket these credentials cannot use refused at start with the store's answer.

let s3: TestS3Server;
let work = '';

function clientFor(credentials = S3_TEST_CREDENTIALS) {
  return new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function storeIn(bucket: string, prefix: string, client = clientFor()) {
  return new S3ObjectStore(
    { bucket, prefix, endpoint: s3.endpoint },
    join(work, 'scratch'),
    client,
  );
}

beforeAll(async () => {
  s3 = await startS3Server(['sm-objects']);
  work = await mkdtemp(join(tmpdir(), 'sm-s3-store-'));
});
afterAll(async () => {
  await s3?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the S3 object store', () => {
  it('stores, sizes, reads ranges of, copies and removes an object under its prefix', async () => {
    const store = storeIn('sm-objects', 'library/');
    await store.check();
    const source = join(work, 'upload.bin');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await writeFile(source, bytes);
    const key = 'owner-1/ab/abcdef0123456789';

    expect(await store.size(key)).toBeNull();
    await store.putFile(key, source);
    expect(await store.size(key)).toBe(bytes.length);
    // Under the prefix, nowhere else.
    const listed = await clientFor().send(new ListObjectsV2Command({ Bucket: 'sm-objects' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`library/${key}`]);

    const whole = Buffer.concat(await (await store.read(key)).toArray());
    expect(whole.equals(bytes)).toBe(true);
    const part = Buffer.concat(await (await store.read(key, { start: 1000, end: 1999 })).toArray());
    expect(part.equals(bytes.subarray(1000, 2000))).toBe(true);

    let copied = '';
    const seen = await store.withLocalFile(key, async (path) => {
      copied = path;
      return readFile(path);
    });
    expect(seen.equals(bytes)).toBe(true);
    // The copy is gone once used, also when the use fails.
    await expect(readFile(copied)).rejects.toThrow();
    await expect(
      store.withLocalFile(key, () => Promise.reject(new Error('analysis failed'))),
    ).rejects.toThrow('analysis failed');
    expect(await readdir(join(work, 'scratch'))).toEqual([]);

    await store.remove(key);
    expect(await store.size(key)).toBeNull();
  });

  it('fails a read of a missing object with the store answer', async () => {
    const store = storeIn('sm-objects', '');
    await expect(store.read('owner-1/00/missing')).rejects.toThrow(/NoSuchKey|not exist/);
    await expect(
      store.withLocalFile('owner-1/00/missing', () => Promise.resolve('used')),
    ).rejects.toThrow();
  });

  it('refuses a missing bucket and refused credentials at start, saying what the store said', async () => {
    await expect(storeIn('sm-nowhere', '').check()).rejects.toThrow(ObjectStoreUnavailableError);
    await expect(storeIn('sm-nowhere', '').check()).rejects.toThrow(
      /s3:\/\/sm-nowhere\/ cannot be used: there is no such bucket \(HTTP 404\)/,
    );
    const refused = storeIn(
      'sm-objects',
      '',
      clientFor({ accessKeyId: 'WRONG', secretAccessKey: 'WRONG' }),
    );
    await expect(refused.check()).rejects.toThrow(
      /cannot be used: access denied: check the credentials .*\(HTTP 403\)/,
    );
  });

  it('refuses keys that would leave the prefix', async () => {
    const store = storeIn('sm-objects', 'library/');
    await expect(store.size('../other/x')).rejects.toThrow('bad object key');
    await expect(store.size('a//b')).rejects.toThrow('bad object key');
  });
});

describe('OBJECT_STORE settings', () => {
  it('reads s3://bucket/prefix and refuses what is not one', () => {
    expect(parseS3Url('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Url('s3://my.bucket/a/b/')).toEqual({ bucket: 'my.bucket', prefix: 'a/b/' });
    expect(parseS3Url('s3://My_Bucket/x')).toBeNull();
    expect(parseS3Url('s3://b/x')).toBeNull(); // bucket names have 3 characters at least
    expect(parseS3Url('s3://bucket/a/../b')).toBeNull();
    expect(parseS3Url('https://bucket/x')).toBeNull();

    const config = loadConfig({
      OBJECT_STORE: 's3://sm-objects/library',
      OBJECT_STORE_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(config.objectStore).toEqual({
      bucket: 'sm-objects',
      prefix: 'library/',
      endpoint: 'http://127.0.0.1:9000',
    });
    expect(loadConfig({}).objectStore).toBeNull();
  });

  it('names each wrong setting', () => {
    expect(() => loadConfig({ OBJECT_STORE: 'bucket' })).toThrow(
      /OBJECT_STORE: OBJECT_STORE must be local or s3:\/\/BUCKET\/PREFIX/,
    );
    expect(() => loadConfig({ OBJECT_STORE_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(
      /OBJECT_STORE_ENDPOINT: set only with OBJECT_STORE=s3/,
    );
    expect(() =>
      loadConfig({ OBJECT_STORE: 's3://sm-objects', OBJECT_STORE_ENDPOINT: 'ftp://x' }),
    ).toThrow(/OBJECT_STORE_ENDPOINT must be an http\(s\):\/\/ URL/);
    expect(() =>
      loadConfig({ OBJECT_STORE: 's3://sm-objects', MAX_UPLOAD_BYTES: String(6 * 1024 ** 3) }),
    ).toThrow(/MAX_UPLOAD_BYTES: at most 5368709120/);
  });
});
