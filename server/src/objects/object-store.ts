import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** Bytes `start` to `end` of an object, both inclusive (as in an HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where the bytes of library files live. Keys are content-addressed: `OWNER/ab/abcdef...`. */
export interface ObjectStore {
  /**
   * Puts a finished upload's bytes in the store under `key` (replacing what was there), durably
   * and atomically: a crash leaves the old object or the new one, never part of one. The source
   * stays where it is, so a commit that does not complete can be made again from it.
   */
  putFile(key: string, sourcePath: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** The object's size in bytes, or null when there is no such object. */
  size(key: string): Promise<number | null>;
  /** Streams the object's bytes, or only those of `range`. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * Calls `use` with a path on this machine that holds the object's bytes (the object itself on
   * local disk, a temporary copy of a remote one, removed when `use` settles).
   */
  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T>;
}

/** The object key of a user's file with this content hash. */
export function objectKeyFor(ownerId: string, contentHash: string): string {
  return `${ownerId}/${contentHash.slice(0, 2)}/${contentHash}`;
}

/** Objects as files under one folder on local disk (the embedded default). */
export class LocalObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private localPath(key: string): string {
    if (key.split('/').some((s) => s === '..' || s === ''))
      throw new Error(`bad object key ${key}`);
    return join(this.root, key);
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const target = this.localPath(key);
    await mkdir(dirname(target), { recursive: true });
    // tus wrote the upload without fsync: the object must survive a power cut once committed.
    const source = await open(sourcePath, 'r');
    try {
      await source.datasync();
    } finally {
      await source.close();
    }
    const staged = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await link(sourcePath, staged);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(sourcePath, staged);
      const copy = await open(staged, 'r');
      await copy.datasync().finally(() => copy.close());
    }
    try {
      await rename(staged, target);
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.localPath(key), { force: true });
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.localPath(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  read(key: string, range?: ByteRange): Promise<Readable> {
    return Promise.resolve(createReadStream(this.localPath(key), range));
  }

  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    return use(this.localPath(key));
  }
}
