import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ByteRange, ObjectStore } from './object-store.js';
import { s3ClientConfig } from './s3-client-config.js';
import { describeS3Error, s3Status } from './s3-errors.js';
import { S3_MAX_PUT_BYTES, type S3Location } from './s3-location.js';

/** The store could not be reached or refused this server: the message says what it answered. */
export class ObjectStoreUnavailableError extends Error {
  readonly code = 'OBJECT_STORE_UNAVAILABLE';
  override name = 'ObjectStoreUnavailableError';
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NotFound' || error.name === 'NoSuchKey' || s3Status(error) === 404)
  );
}

/**
 * Objects in an S3 bucket under a prefix (AWS or any S3-compatible store), so that several
 * server processes on several machines share one library. A PUT is atomic: readers see the old
 * object or the new one.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  /** @param scratchDir where remote objects are copied to for `withLocalFile`. */
  constructor(
    private readonly location: S3Location,
    private readonly scratchDir: string,
    client?: S3Client,
  ) {
    this.client =
      client ??
      new S3Client(
        s3ClientConfig({
          region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || null,
          endpoint: location.endpoint,
        }),
      );
  }

  /**
   * Checks that the bucket exists and these credentials may use it.
   * @throws ObjectStoreUnavailableError with the store's answer.
   */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket }));
    } catch (error) {
      throw new ObjectStoreUnavailableError(
        `the object store s3://${this.location.bucket}/${this.location.prefix} cannot be used: ${describeS3Error(error)}`,
      );
    }
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const { size } = await stat(sourcePath);
    if (size > S3_MAX_PUT_BYTES)
      throw new Error(`${key} has ${size} bytes; one S3 PUT takes at most ${S3_MAX_PUT_BYTES}`);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.location.bucket,
        Key: this.objectName(key),
        Body: createReadStream(sourcePath),
        ContentLength: size,
      }),
    );
  }

  async remove(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.objectName(key) }),
    );
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.objectName(key) }),
      );
      return head.ContentLength ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const answer = await this.client.send(
      new GetObjectCommand({
        Bucket: this.location.bucket,
        Key: this.objectName(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    if (!(answer.Body instanceof Readable)) throw new Error(`${key}: the store sent no body`);
    return answer.Body;
  }

  async withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    await mkdir(this.scratchDir, { recursive: true });
    const dir = await mkdtemp(join(this.scratchDir, 'object-'));
    try {
      const path = join(dir, 'object');
      await pipeline(await this.read(key), createWriteStream(path));
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private objectName(key: string): string {
    if (key.split('/').some((s) => s === '..' || s === ''))
      throw new Error(`bad object key ${key}`);
    return `${this.location.prefix}${key}`;
  }
}
