import { createReadStream } from 'node:fs';
import {
  IMPORT_POLICY,
  ManifestSender,
  UploadPool,
  type IngestOutcome,
} from '../../../shared/import/index.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import type { ManifestEntry } from '../../../shared/schemas/index.js';
import { uploadFile, type UploadResult } from '../../../shared/uploads/tus-upload.js';
import { TokenError, type ApiClient } from './api-client.js';
import { unchangedSince } from './file-set.js';
import type { ImportOutput } from './import-output.js';
import type { RunState } from './run-state.js';

/** What one `sm-import import` run shares between its manifest and its uploads. */
export interface RunContext {
  client: ApiClient;
  state: RunState;
  output: ImportOutput;
  /** Reasons of the files that failed, by path. */
  failures: Map<string, string>;
}

/**
 * The CLI's ports of the shared import engine: the run file as the journal, tus from disk as the
 * uploader, the REST client as the API, and `--json` lines and the progress line as the events.
 */
export class Delivery {
  readonly uploads: UploadPool;

  constructor(
    private readonly run: RunContext,
    options: { uploads?: number; chunkBytes?: number } = {},
  ) {
    this.uploads = new UploadPool(
      {
        start: (rel) => this.startUpload(rel, options.chunkBytes ?? IMPORT_POLICY.chunkBytes),
        ended: (rel, result) => this.uploadEnded(rel, result),
      },
      options.uploads ?? IMPORT_POLICY.parallelUploads,
    );
  }

  /** A sender of job `jobId`'s manifest whose answers put new sounds in line for upload. */
  manifest(jobId: string, batch?: number): ManifestSender {
    const { client, state } = this.run;
    return new ManifestSender(
      {
        entries: (rels) => rels.map((rel) => state.files.get(rel)!.entry as ManifestEntry),
        ingest: (entries, last) => client.ingest(jobId, entries, last),
        answered: (rel, outcome) => this.answered(rel, outcome),
        batchDone: (_answer, last) =>
          failpoint(last ? 'cli:manifest-closed' : 'cli:batch-answered'),
      },
      batch,
    );
  }

  /** Puts a file whose entry the server waits for in line for upload. */
  upload(rel: string): void {
    if (this.uploads.has(rel)) return;
    this.run.output.counts.bytesToSend += this.run.state.files.get(rel)!.size;
    this.uploads.add(rel);
  }

  private answered(rel: string, outcome: IngestOutcome): void {
    const { state, output } = this.run;
    const entryId = outcome.entryId;
    switch (outcome.stage) {
      case 'failed':
        state.update(rel, { stage: 'failed', reason: outcome.reason, entryId });
        this.failed(rel, outcome.reason);
        return;
      case 'duplicate': {
        const of = outcome.duplicateOf;
        state.update(rel, { stage: 'duplicate', entryId, duplicateOf: of?.path ?? null });
        output.counts.duplicates++;
        output.event({
          type: 'file',
          path: rel,
          state: 'duplicate',
          duplicate_of: of?.path ?? null,
          match: of?.match ?? null,
        });
        return;
      }
      case 'done':
        state.update(rel, { stage: 'done', entryId, similarTo: outcome.similarTo });
        output.stored(rel, outcome.similarTo);
        return;
      case 'pending_upload':
        state.update(rel, { stage: 'pending_upload', entryId, similarTo: outcome.similarTo });
        this.upload(rel);
    }
  }

  private failed(rel: string, reason: string): void {
    const { output, failures } = this.run;
    failures.set(rel, reason);
    output.counts.failed++;
    output.event({ type: 'file', path: rel, state: 'failed', reason });
  }

  private async startUpload(rel: string, chunkBytes: number) {
    const { client, state, output } = this.run;
    const file = state.files.get(rel)!;
    if (!(await unchangedSince(file.abs, file))) {
      const reason =
        'the file changed or vanished after it was analysed; run the same import again to send its new content';
      state.update(rel, { stage: 'failed', reason });
      this.failed(rel, reason);
      return null;
    }
    state.update(rel, { stage: 'uploading' });
    output.event({
      type: 'file',
      path: rel,
      state: 'uploading',
      resuming: file.uploadUrl !== null,
    });
    let sentBefore = 0;
    return uploadFile({
      endpoint: `${client.server}/api/v1/uploads`,
      input: createReadStream(file.abs, { highWaterMark: 1 << 20 }),
      headers: { authorization: `Bearer ${client.token}` },
      size: file.size,
      entryId: file.entryId!,
      uploadUrl: file.uploadUrl,
      chunkBytes,
      onUrl: (url) => state.update(rel, { uploadUrl: url }),
      onProgress: (sent) => {
        output.counts.bytesSent += sent - sentBefore;
        sentBefore = sent;
        output.draw();
      },
    });
  }

  private uploadEnded(rel: string, result: UploadResult): 'ended' | Error {
    const { state, output } = this.run;
    if (result.ok) {
      // ok means the server said the file is stored (or a duplicate), never just "bytes sent".
      failpoint('cli:upload-confirmed');
      const stage = result.state ?? 'done';
      state.update(rel, { stage, uploadUrl: null, reason: null });
      if (stage === 'done') {
        output.stored(rel, state.files.get(rel)!.similarTo);
      } else {
        output.counts.duplicates++;
        output.event({ type: 'file', path: rel, state: stage });
      }
      return 'ended';
    }
    if (result.status === 401) {
      return new TokenError(401, `the server refused the token during an upload: ${result.reason}`);
    }
    // A refused upload URL is forgotten, so that running again starts that file afresh.
    const reason =
      result.status === 413 ? `refused: ${result.reason}` : (result.reason ?? 'upload failed');
    state.update(rel, { uploadUrl: null, stage: 'failed', reason });
    this.failed(rel, reason);
    return 'ended';
  }
}
