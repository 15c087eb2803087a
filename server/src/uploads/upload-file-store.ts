import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { ERRORS, isPathInsideDirectory } from '@tus/server';
import { storageFailure } from '../http/io-failures.js';

/**
 * tus's FileStore, except that a write the disk refuses (full, read-only, no permission) fails
 * with the system's error, so that it is answered 507 or 503 and logged with its errno; tus's
 * own `write` turns every failure into a bare 500.
 */
export class UploadFileStore extends FileStore {
  /** Writes `readable` into the upload's file from `offset`; resolves with the new offset. */
  override async write(readable: Readable, fileId: string, offset: number): Promise<number> {
    const path = join(this.directory, fileId);
    // tus answers its own errors, which are thrown as they are: `{ status_code, body }`.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (!isPathInsideDirectory(this.directory, path)) throw ERRORS.FILE_NOT_FOUND;
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(readable, counter, createWriteStream(path, { flags: 'r+', start: offset }));
    } catch (error) {
      if (storageFailure(error)) throw error;
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + received;
  }
}
