import { createReadStream } from 'node:fs';
import { JobDelivery, type FileChange, type ResumeJournal } from '../../../shared/import/index.js';
import { failpoint } from '../../../shared/node/failpoints.js';
import type { ManifestEntry } from '../../../shared/schemas/index.js';
import { TokenError, type ApiClient } from './api-client.js';
import { unchangedSince } from './file-set.js';
import type { ImportOutput } from './import-output.js';
import type { FileStage, FileState, RunState } from './run-state.js';

/** What one `sm-import import` run shares between its manifest and its uploads. */
export interface RunContext {
  client: ApiClient;
  state: RunState;
  output: ImportOutput;
  /** Reasons of the files that failed, by path. */
  failures: Map<string, string>;
}

/**
 * The CLI's ports of the shared delivery: the run file as the journal, files on disk as the
 * source, the REST client as the API, and `--json` lines and the progress line as the events.
 */
export function cliDelivery(
  run: RunContext,
  options: { uploads?: number; chunkBytes?: number; manifestBatch?: number } = {},
): JobDelivery {
  const { client, state, output } = run;
  const sentBefore = new Map<string, number>();
  return new JobDelivery(
    {
      ...cliJournal(run),
      entries: (rels) => rels.map((rel) => state.files.get(rel)!.entry as ManifestEntry),
      api: client,
      batchDone: (_answer, last) => failpoint(last ? 'cli:manifest-closed' : 'cli:batch-answered'),
      open: async (rel) => {
        const file = state.files.get(rel)!;
        if (!(await unchangedSince(file.abs, file))) {
          return {
            failed:
              'the file changed or vanished after it was analysed; run the same import again to send its new content',
          };
        }
        return { input: createReadStream(file.abs, { highWaterMark: 1 << 20 }), size: file.size };
      },
      endpoint: `${client.server}/api/v1/uploads`,
      headers: { authorization: `Bearer ${client.token}` },
      queued: (rel) => (output.counts.bytesToSend += state.files.get(rel)!.size),
      progress: (rel, sent) => {
        output.counts.bytesSent += sent - (sentBefore.get(rel) ?? 0);
        sentBefore.set(rel, sent);
        output.draw();
      },
      retrying: (_rel, reason) => output.uploadRetrying(reason),
      confirmed: () => failpoint('cli:upload-confirmed'),
      fatal: (result) =>
        result.status === 401
          ? new TokenError(401, `the server refused the token during an upload: ${result.reason}`)
          : null,
    },
    { parallel: options.uploads, chunkBytes: options.chunkBytes, batch: options.manifestBatch },
  );
}

/** The run file as the engine's journal: each change recorded, and told (counters, `--json`). */
export function cliJournal(run: RunContext): ResumeJournal {
  const { state } = run;
  return {
    file: (rel) => state.files.get(rel),
    record: (rel, change) => record(run, rel, change),
    keys: () => state.files.keys(),
    recorded: (rel) => state.recorded(rel),
    // Its job (the run file's) is set when the new job takes it (runImport).
    restart: (rel) => void state.update(rel, { stage: 'analysed', entryId: null, uploadUrl: null }),
  };
}

function record(run: RunContext, rel: string, change: FileChange): void {
  const { state, output, failures } = run;
  const before = state.files.get(rel)!;
  const { duplicateOf, retryable: _retryable, stage, ...patch } = change;
  const next: FileState = state.update(rel, {
    ...patch,
    // The delivery never moves a file back to `discovered`, the one stage the run file lacks.
    ...(stage ? { stage: stage as FileStage } : {}),
    ...(duplicateOf !== undefined ? { duplicateOf: duplicateOf?.path ?? null } : {}),
  });
  switch (change.stage) {
    case 'failed':
      failures.set(rel, next.reason ?? 'failed');
      output.counts.failed++;
      output.event({ type: 'file', path: rel, state: 'failed', reason: next.reason });
      return;
    case 'duplicate':
      output.counts.duplicates++;
      output.event({
        type: 'file',
        path: rel,
        state: 'duplicate',
        ...(duplicateOf !== undefined
          ? { duplicate_of: duplicateOf?.path ?? null, match: duplicateOf?.match ?? null }
          : {}),
      });
      return;
    case 'done':
      output.stored(rel, next.similarTo);
      return;
    case 'uploading':
      output.event({
        type: 'file',
        path: rel,
        state: 'uploading',
        resuming: before.uploadUrl !== null,
      });
      return;
    case 'pending_upload':
    case 'analysed':
    case 'discovered':
    case 'skipped':
    case undefined:
      // Waiting again, or a change of its upload URL: the run file holds it, nothing to tell.
      return;
  }
}
