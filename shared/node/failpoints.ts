/**
 * Crash points for the fault-injection suite: `SM_FAILPOINT=NAME[@N][,NAME[@N]…]` makes the
 * process kill itself with SIGKILL the Nth time (default: the first) it reaches the point NAME,
 * as a power cut or `kill -9` would: no `finally`, no flush, no answer sent. Unset, a point costs
 * one map lookup. Only the server and the CLI read it (a page has no process to kill; the
 * browser suite closes the page instead).
 */
export type FailpointName =
  // sm-server
  | 'server:upload-complete' // every byte of an upload is on disk; the commit has not begun
  | 'server:commit' // the object is stored; the database transaction is not committed
  | 'server:committed' // the commit is durable; the answer to the last PATCH is not sent
  | 'server:ingest-committed' // a manifest batch is committed; its answer is not sent
  | 'server:manifest-closed' // the batch that closes the manifest is committed; its answer is not sent
  | 'server:refingerprinted' // a stored file's new fingerprint is committed; the next is not begun
  | 'server:bucket-page-listed' // a bucket listing's page is recorded and its objects queued
  | 'server:bucket-object-ingested' // a bucket object is ingested (and stored when new); not yet marked taken
  // sm-import
  | 'cli:analysed' // a file's analysis is recorded in the run file
  | 'cli:batch-answered' // a manifest batch's answer is recorded
  | 'cli:manifest-closed' // the last manifest batch's answer is recorded
  | 'cli:upload-confirmed'; // the server confirmed an upload stored; the run file does not say so yet

const armed = new Map<string, number>();
for (const spec of (globalThis.process?.env?.SM_FAILPOINT ?? '').split(',')) {
  const [name, nth] = spec.trim().split('@');
  if (name) armed.set(name, Math.max(1, Number(nth) || 1));
}

/** Kills this process here when SM_FAILPOINT names this point (and this is its Nth visit). */
export function failpoint(name: FailpointName): void {
  const left = armed.get(name);
  if (left === undefined) return;
  if (left > 1) {
    armed.set(name, left - 1);
    return;
  }
  process.stderr.write(`failpoint ${name}: killing process ${process.pid}\n`);
  process.kill(process.pid, 'SIGKILL');
  // The signal is on its way: run nothing more of this process meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
}
