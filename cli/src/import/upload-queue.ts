import { createReadStream } from 'node:fs';
import type { ApiClient } from './api-client.js';
import { TokenError } from './api-client.js';
import { unchangedSince } from './file-set.js';
import type { ImportOutput } from './import-output.js';
import type { RunState } from './run-state.js';
import {
  DEFAULT_CHUNK_BYTES,
  uploadFile,
  type UploadHandle,
} from '../../../shared/uploads/tus-upload.js';
import { failpoint } from '../../../shared/node/failpoints.js';

/** Uploads files a few at a time; a 401 stops everything, other failures stay with their file. */
export class UploadQueue {
  private readonly waiting: string[] = [];
  private running = 0;
  private idle: (() => void) | null = null;
  private fatal: Error | null = null;
  private readonly limit: number;

  constructor(
    private readonly options: { uploads?: number; chunkBytes?: number },
    private readonly client: ApiClient,
    private readonly state: RunState,
    private readonly output: ImportOutput,
    private readonly failures: Map<string, string>,
    private readonly handles: Set<UploadHandle>,
    private readonly stopped: () => boolean,
  ) {
    this.limit = options.uploads ?? 4;
  }

  add(rel: string): void {
    const file = this.state.files.get(rel)!;
    this.output.counts.bytesToSend += file.size;
    this.waiting.push(rel);
    this.pump();
  }

  /** Resolves when every upload has ended. @throws TokenError when the token was refused. */
  async drain(): Promise<void> {
    if (this.running > 0 || this.waiting.length > 0) {
      await new Promise<void>((r) => {
        this.idle = r;
      });
    }
    if (this.fatal) throw this.fatal;
  }

  private pump(): void {
    while (this.running < this.limit && this.waiting.length > 0 && !this.stopped() && !this.fatal) {
      const rel = this.waiting.shift()!;
      this.running++;
      void this.upload(rel).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && (this.waiting.length === 0 || this.stopped() || this.fatal))
          this.idle?.();
      });
    }
    if (this.running === 0 && (this.stopped() || this.fatal)) this.idle?.();
  }

  private async upload(rel: string): Promise<void> {
    const file = this.state.files.get(rel)!;
    const counts = this.output.counts;
    const fail = (reason: string) => {
      this.state.update(rel, { stage: 'failed', reason });
      this.failures.set(rel, reason);
      counts.failed++;
      this.output.event({ type: 'file', path: rel, state: 'failed', reason });
    };
    if (!(await unchangedSince(file.abs, file))) {
      fail(
        'the file changed or vanished after it was analysed; run the same import again to send its new content',
      );
      return;
    }
    this.state.update(rel, { stage: 'uploading' });
    this.output.event({
      type: 'file',
      path: rel,
      state: 'uploading',
      resuming: file.uploadUrl !== null,
    });
    let sentBefore = 0;
    const handle = uploadFile({
      endpoint: `${this.client.server}/api/v1/uploads`,
      input: createReadStream(file.abs, { highWaterMark: 1 << 20 }),
      headers: { authorization: `Bearer ${this.client.token}` },
      size: file.size,
      entryId: file.entryId!,
      uploadUrl: file.uploadUrl,
      chunkBytes: this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      onUrl: (url) => this.state.update(rel, { uploadUrl: url }),
      onProgress: (sent) => {
        counts.bytesSent += sent - sentBefore;
        sentBefore = sent;
        this.output.draw();
      },
    });
    this.handles.add(handle);
    const result = await handle.promise;
    this.handles.delete(handle);
    if (this.stopped()) return;
    if (result.ok) {
      // ok means the server said the file is stored (or a duplicate), never just "bytes sent".
      failpoint('cli:upload-confirmed');
      const stage = result.state ?? 'done';
      this.state.update(rel, { stage, uploadUrl: null, reason: null });
      if (stage === 'done') {
        this.output.stored(rel, file.similarTo);
      } else {
        counts.duplicates++;
        this.output.event({ type: 'file', path: rel, state: stage });
      }
      return;
    }
    if (result.status === 401) {
      this.fatal = new TokenError(
        401,
        `the server refused the token during an upload: ${result.reason}`,
      );
      return;
    }
    // A refused upload URL is forgotten, so that running again starts that file afresh.
    this.state.update(rel, { uploadUrl: null });
    fail(result.status === 413 ? `refused: ${result.reason}` : (result.reason ?? 'upload failed'));
  }
}
