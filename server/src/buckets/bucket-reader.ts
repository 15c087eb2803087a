import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig } from '../objects/s3-client-config.js';

/** One bucket import's view of its source: where, and with whose credentials. */
export interface BucketAccess {
  bucket: string;
  /** Empty, or ends with '/'. */
  prefix: string;
  endpoint: string | null;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** An object of the prefix, as a listing names it. */
export interface ListedObject {
  key: string;
  sizeBytes: number;
  etag: string;
}

/** Each request to the user's store gives up after this long (then retried by the queue). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Keys a listing page holds (S3's most). */
export const LIST_PAGE_KEYS = 1000;

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** Reads a user's bucket with the credentials they gave for the job. */
export class BucketReader {
  private constructor(
    private readonly access: BucketAccess,
    private readonly sdk: S3Sdk,
    private readonly client: S3Client,
  ) {}

  /** A reader for the bucket (the AWS SDK loads at the first one). */
  static async open(access: BucketAccess): Promise<BucketReader> {
    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      ...s3ClientConfig(access),
      maxAttempts: 2,
      requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 10_000 },
    });
    return new BucketReader(access, sdk, client);
  }

  /** One page of the prefix's objects from `token` (null: the first page), folders left out. */
  async listPage(
    token: string | null,
    maxKeys = LIST_PAGE_KEYS,
  ): Promise<{ objects: ListedObject[]; next: string | null }> {
    const page = await this.client.send(
      new this.sdk.ListObjectsV2Command({
        Bucket: this.access.bucket,
        Prefix: this.access.prefix || undefined,
        MaxKeys: maxKeys,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    const objects = (page.Contents ?? []).flatMap((o) =>
      o.Key && !o.Key.endsWith('/')
        ? [{ key: o.Key, sizeBytes: o.Size ?? 0, etag: (o.ETag ?? '').replaceAll('"', '') }]
        : [],
    );
    return { objects, next: page.IsTruncated ? (page.NextContinuationToken ?? null) : null };
  }

  /** A small object's text (a `.smignore`); null when it holds more than `maxBytes`. */
  async readText(key: string, maxBytes: number): Promise<string | null> {
    const answer = await this.client.send(
      new this.sdk.GetObjectCommand({
        Bucket: this.access.bucket,
        Key: key,
        Range: `bytes=0-${maxBytes}`,
      }),
    );
    const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
    return bytes.length > maxBytes ? null : new TextDecoder().decode(bytes);
  }

  /** Streams one object into `path` (a file of this server's scratch folder); its ETag. */
  async fetchTo(key: string, path: string): Promise<string> {
    const answer = await this.client.send(
      new this.sdk.GetObjectCommand({ Bucket: this.access.bucket, Key: key }),
    );
    if (!(answer.Body instanceof Readable)) throw new Error(`${key}: the store sent no body`);
    await pipeline(answer.Body, createWriteStream(path));
    return (answer.ETag ?? '').replaceAll('"', '');
  }

  close(): void {
    this.client.destroy();
  }
}
