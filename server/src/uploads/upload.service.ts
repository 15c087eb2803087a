import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { XXHashAPI } from 'xxhash-wasm';
import { toAuthUser, type AuthUser } from '../auth/auth.service.js';
import type { Repositories, UnitOfWork } from '../db/unit-of-work.js';
import {
  AppError,
  badRequest,
  conflict,
  notFound,
  payloadTooLarge,
  unprocessable,
} from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import type { EntryRow } from '../jobs/import-entry.repository.js';
import { loadUpdateEvent } from '../jobs/job-views.js';
import { linkStoredEntry } from '../library/similar-links.js';
import { timbreColumns } from '../library/timbre-columns.js';
import { objectKeyFor, type ObjectStore } from '../objects/object-store.js';
import type { OnDuplicate } from '../../../shared/schemas/index.js';
import { isUuid } from '../validation.js';
import { matchesAtCommit } from './commit-matches.js';
import { failpoint } from '../../../shared/node/failpoints.js';

export interface CommitResult {
  state: 'done' | 'duplicate';
  assetId: string;
}

/** Uploads one user may have in progress at once (the CLI runs 4, the web app 3). */
const MAX_UPLOADS_IN_PROGRESS = 32;

/** The outcome of an entry whose bytes were committed, or null while they are not. */
function committedOutcome(entry: EntryRow): CommitResult | null {
  if (entry.state === 'done' && entry.assetId) return { state: 'done', assetId: entry.assetId };
  if (entry.state === 'duplicate' && entry.duplicateOfAssetId)
    return { state: 'duplicate', assetId: entry.duplicateOfAssetId };
  return null;
}

/**
 * The server side of tus uploads: who may upload what, and what happens to the bytes once
 * they are all there (hash check, the library's uniqueness rules, the object store).
 */
export class UploadService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventBus,
    private readonly objects: ObjectStore,
    private readonly hasher: XXHashAPI,
    private readonly maxUploadBytes: number,
    /** Where tus keeps uploads in progress: `ID` (the bytes) and `ID.json` (its record). */
    readonly uploadsDir: string,
  ) {}

  uploadPath(uploadId: string): string {
    return join(this.uploadsDir, uploadId);
  }

  /**
   * Makes `file` the bytes of upload `uploadId`, as if a client had sent them (a bucket object
   * the server fetched itself); `finish` then checks and commits them. The file is moved.
   */
  async placeUpload(uploadId: string, file: string): Promise<void> {
    const target = this.uploadPath(uploadId);
    await mkdir(this.uploadsDir, { recursive: true });
    try {
      await rename(file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(file, target);
      await rm(file, { force: true });
    }
  }

  /** Forgets an upload's bytes and record (its bytes are in the object store, or refused). */
  async discardUpload(uploadId: string): Promise<void> {
    await rm(this.uploadPath(uploadId), { force: true });
    await rm(`${this.uploadPath(uploadId)}.json`, { force: true });
  }

  /**
   * Allows an upload for an entry of the caller's own job that waits for its bytes, of the
   * entry's declared size and within the user's quota; marks the entry uploading.
   * @throws AppError 400 no entry_id, 404 not the caller's, 409 nothing to upload,
   *   413 too large or over quota, 422 a size other than declared.
   */
  async begin(
    user: AuthUser,
    entryId: string | null,
    size: number | null,
    uploadId: string,
  ): Promise<void> {
    if (!entryId) throw badRequest('the upload has no entry_id in its Upload-Metadata');
    if (size === null) throw badRequest('the upload must declare its length (Upload-Length)');
    if (size > this.maxUploadBytes) {
      throw payloadTooLarge(
        `the file has ${size} bytes; this server takes at most ${this.maxUploadBytes} per file`,
      );
    }
    const { job, entry, superseded } = await this.uow.forUser(user.id, async (repos) => {
      const entry = isUuid(entryId) ? await repos.entries.findOwned(user.id, entryId) : null;
      if (!entry)
        throw notFound(`there is no import entry ${entryId} (or it belongs to another user)`);
      const job = await repos.jobs.findOwned(user.id, entry.jobId);
      if (job?.status === 'cancelled')
        throw conflict(`job ${entry.jobId} was cancelled; its files take no uploads`);
      if (entry.state !== 'pending_upload' && entry.state !== 'uploading') {
        const why = entry.state === 'failed' && entry.reason ? ` (${entry.reason})` : '';
        throw conflict(`${entry.path} needs no upload: it is ${entry.state}${why}`, {
          entry_state: entry.state,
        });
      }
      if (entry.sizeBytes !== size) {
        throw unprocessable(
          `the upload has ${size} bytes but ${entry.path} was declared with ${entry.sizeBytes}`,
        );
      }
      const inProgress = await repos.entries.uploadsInProgress(user.id, entry.id);
      if (inProgress.count >= MAX_UPLOADS_IN_PROGRESS) {
        throw payloadTooLarge(
          `${inProgress.count} uploads of yours are in progress; finish or cancel some before starting more (at most ${MAX_UPLOADS_IN_PROGRESS} at once)`,
        );
      }
      // Bytes on their way count against the quota too: parked uploads cannot exceed it. A
      // replacement of a sound found at ingest frees that file's bytes.
      const replaces =
        (entry.onDuplicate ?? job?.onDuplicate) === 'replace' && entry.duplicateOfAssetId
          ? await repos.audioFiles.findOwned(user.id, entry.duplicateOfAssetId)
          : null;
      await assertQuota(repos, user, {
        addBytes: size,
        reservedBytes: inProgress.bytes,
        freedBytes: replaces?.sizeBytes ?? 0,
        addsFile: !replaces,
      });
      const updated = await repos.entries.update(entry.id, {
        state: 'uploading',
        uploadId,
        reason: null,
      });
      return {
        job: await repos.jobs.refresh(entry.jobId),
        entry: updated,
        superseded: entry.uploadId,
      };
    });
    // A client that lost its upload URL starts another: the bytes of the first are of no use.
    if (superseded && superseded !== uploadId) await this.discardUpload(superseded);
    this.events.publish(user.id, await loadUpdateEvent(this.uow.repos, job, [entry]));
  }

  /**
   * Entries whose upload went quiet before `before` (expired, or its client gone) wait for a
   * new upload again; returns how many.
   */
  async releaseStale(before: Date): Promise<number> {
    const released = await this.uow.repos.entries.releaseStaleUploads(before);
    const byJob = new Map<string, EntryRow[]>();
    for (const entry of released)
      byJob.set(entry.jobId, [...(byJob.get(entry.jobId) ?? []), entry]);
    for (const [jobId, entries] of byJob) {
      const job = await this.uow.repos.jobs.refresh(jobId);
      this.events.publish(job.ownerId, await loadUpdateEvent(this.uow.repos, job, entries));
    }
    return released.length;
  }

  /** @throws AppError 404 when the upload is not one of the caller's. */
  async assertOwnUpload(user: AuthUser, uploadId: string): Promise<void> {
    const entry = await this.uow.repos.entries.findByUploadId(uploadId);
    if (!entry || entry.ownerId !== user.id) {
      throw notFound(`there is no upload ${uploadId} (or it belongs to another user)`);
    }
  }

  /**
   * Called once all bytes of the upload are on disk: checks their xxh64 against the declared
   * content hash, then commits under the user's lock. Identical bytes already in the library, or
   * the same sound under `skip`, end as a duplicate; under `replace` the library file is
   * replaced; otherwise a new library file is made. A stored file is linked, in the same
   * transaction, to the library files it is similar to (linkStoredEntry). The bytes are linked
   * into the object store; the upload itself is left for the caller to discard once its answer
   * is out. Idempotent: an upload already committed answers its outcome again.
   * @throws AppError 404 not the caller's upload, 409 its entry no longer waits for these bytes
   *   (cancelled, failed, or given another upload; the entry is left as it is), 413 quota,
   *   422 bytes that do not match their hash (the entry fails, retryable).
   */
  async finish(user: AuthUser, uploadId: string): Promise<CommitResult> {
    const entry = await this.uow.repos.entries.findByUploadId(uploadId);
    if (!entry || entry.ownerId !== user.id) {
      throw notFound(`there is no upload ${uploadId} (or it belongs to another user)`);
    }
    const committed = committedOutcome(entry);
    if (committed) return committed;
    if (entry.state !== 'uploading') throw noLongerWaiting(entry);
    const actual = await this.hashFile(this.uploadPath(uploadId));
    if (actual !== entry.contentHash) {
      const reason = `the uploaded bytes have xxh64 ${actual}, not the declared content_hash ${entry.contentHash}: the file changed or was damaged in transit; upload it again`;
      await this.failUpload(user, entry.id, uploadId, reason);
      throw unprocessable(reason);
    }
    try {
      return await this.commit(user, entry.id, uploadId);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'PAYLOAD_TOO_LARGE')
        await this.failUpload(user, entry.id, uploadId, (error as Error).message);
      throw error;
    }
  }

  /**
   * What a client resuming `uploadId` must be told before tus looks at its bytes: the entry's
   * outcome once its bytes are committed, committing them first when every byte arrived but the
   * commit never ran (the server was stopped between the last byte and the commit). null while
   * bytes are still to come: tus answers with the offset.
   * @throws AppError 409 (with `entry_state`) when the entry takes no more bytes (cancelled),
   *   or what `finish` throws.
   */
  async settleOnResume(
    user: AuthUser,
    uploadId: string,
  ): Promise<(CommitResult & { sizeBytes: number }) | null> {
    const entry = await this.uow.repos.entries.findByUploadId(uploadId);
    if (!entry || entry.ownerId !== user.id) return null; // tus answers 404
    const sizeBytes = entry.sizeBytes ?? 0;
    const committed = committedOutcome(entry);
    if (committed) return { ...committed, sizeBytes };
    if (entry.state !== 'uploading') {
      await this.discardUpload(uploadId);
      throw noLongerWaiting(entry);
    }
    if (!(await this.holdsEveryByte(uploadId, entry.sizeBytes))) return null;
    try {
      return { ...(await this.finish(user, uploadId)), sizeBytes };
    } finally {
      await this.discardUpload(uploadId);
    }
  }

  /**
   * Run at start and with the periodic clean-up: every upload whose bytes all arrived but whose
   * commit never ran (a crash, a kill, a power cut between the last byte and the commit) is
   * committed or failed now, and uploads of entries that no longer wait for them are removed.
   * Uploads written to within `quietMs` are left alone (a request may still be on them). An
   * upload that cannot be settled now (the database or the store failing) is kept for the next
   * try and reported to `onError`. Returns how many entries it settled.
   */
  async reconcileUploads(
    quietMs = 0,
    onError: (uploadId: string, error: unknown) => void = () => {},
  ): Promise<number> {
    let settled = 0;
    const names = await readdir(this.uploadsDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const uploadId = name.slice(0, -'.json'.length);
      const touched = await stat(join(this.uploadsDir, name)).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      const bytesTouched = await stat(this.uploadPath(uploadId)).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      if (Date.now() - Math.max(touched, bytesTouched) < quietMs) continue;
      const entry = await this.uow.repos.entries.findByUploadId(uploadId);
      if (!entry || entry.state !== 'uploading') {
        await this.discardUpload(uploadId); // committed, failed, cancelled or released: over
        continue;
      }
      if (!(await this.holdsEveryByte(uploadId, entry.sizeBytes))) continue;
      const row = await this.uow.repos.users.findById(entry.ownerId);
      if (!row) continue;
      try {
        await this.finish(toAuthUser(row), uploadId);
      } catch (error) {
        // A refusal (hash, quota) is recorded on the entry by finish; the bytes are of no use.
        // Anything else may pass: the bytes stay, to be settled at the next try.
        if (!(error instanceof AppError)) {
          onError(uploadId, error);
          continue;
        }
      }
      await this.discardUpload(uploadId);
      settled++;
    }
    return settled;
  }

  private async holdsEveryByte(uploadId: string, size: number | null): Promise<boolean> {
    const held = await stat(this.uploadPath(uploadId)).then(
      (s) => s.size,
      () => -1,
    );
    return size !== null && held === size;
  }

  private async commit(user: AuthUser, entryId: string, uploadId: string): Promise<CommitResult> {
    failpoint('server:upload-complete');
    const filePath = this.uploadPath(uploadId);
    const removeAfter: string[] = [];
    const result = await this.uow.forUser(user.id, async (repos) => {
      const entry = await repos.entries.lock(entryId);
      const committed = entry?.uploadId === uploadId ? committedOutcome(entry) : null;
      // Two finishers of one upload (its last PATCH and a resuming HEAD): the second answers.
      if (committed) return { event: null, outcome: committed };
      if (!entry || entry.uploadId !== uploadId || entry.state !== 'uploading') {
        throw conflict(
          `this upload no longer belongs to a waiting entry (${entry?.state ?? 'gone'}); it was discarded`,
        );
      }
      const job = (await repos.jobs.findOwned(user.id, entry.jobId))!;
      const policy: OnDuplicate = entry.onDuplicate ?? job.onDuplicate;
      const hash = entry.contentHash!;

      const [sameBytes] = await repos.audioFiles.findByHashes(user.id, [hash]);
      if (sameBytes) {
        return this.settle(repos, entry, {
          state: 'duplicate',
          assetId: sameBytes.id,
          path: sameBytes.originalPath,
          match: 'content',
        });
      }
      const { same, similar } = await matchesAtCommit(repos, entry, policy);
      if (same && policy === 'skip') {
        return this.settle(repos, entry, {
          state: 'duplicate',
          assetId: same.id,
          path: same.originalPath,
          match: 'sound',
        });
      }
      const key = objectKeyFor(user.id, hash);
      const row = assetRow(entry, key);
      if (same && policy === 'replace') {
        // The new bytes are stored and the replaced ones freed: the library must fit after.
        await assertQuota(repos, user, {
          addBytes: entry.sizeBytes ?? 0,
          freedBytes: same.sizeBytes,
          addsFile: false,
        });
        await this.objects.putFile(key, filePath);
        const replaced = await repos.audioFiles.replace(same.id, row);
        await linkStoredEntry(repos, user.id, entry.id, replaced.id, similar);
        if (same.objectKey !== key) removeAfter.push(same.objectKey);
        return this.settle(repos, entry, { state: 'done', assetId: replaced.id });
      }
      await assertQuota(repos, user, { addBytes: entry.sizeBytes ?? 0 });
      await this.objects.putFile(key, filePath);
      const inserted = await repos.audioFiles.insert({ ...row, ownerId: user.id });
      await linkStoredEntry(repos, user.id, entry.id, inserted.id, similar);
      failpoint('server:commit');
      return this.settle(repos, entry, { state: 'done', assetId: inserted.id });
    });
    failpoint('server:committed');
    for (const key of removeAfter) await this.objects.remove(key);
    if (result.event) this.events.publish(user.id, result.event);
    return result.outcome;
  }

  private async settle(
    repos: Repositories,
    entry: EntryRow,
    outcome: {
      state: 'done' | 'duplicate';
      assetId: string;
      path?: string;
      match?: 'content' | 'sound';
    },
  ) {
    const updated = await repos.entries.update(
      entry.id,
      outcome.state === 'done'
        ? { state: 'done', assetId: outcome.assetId, reason: null }
        : {
            state: 'duplicate',
            duplicateOfAssetId: outcome.assetId,
            duplicateOfPath: outcome.path ?? null,
            duplicateMatch: outcome.match ?? null,
            reason: null,
          },
    );
    const job = await repos.jobs.refresh(entry.jobId);
    return {
      event: await loadUpdateEvent(repos, job, [updated]),
      outcome: { state: outcome.state, assetId: outcome.assetId },
    };
  }

  /**
   * Fails an entry that waits for its bytes (not yet uploading, or uploading through `uploadId`)
   * with the reason: a bucket object the user's quota has no room for, or that could not be
   * stored. Not retryable: `retry` puts back what a client can upload again, and no client holds
   * a bucket's object. An entry that no longer waits, or that another upload of the same object
   * took over (a queue job run twice), is left as it is.
   */
  async failWaiting(
    user: AuthUser,
    entryId: string,
    uploadId: string,
    reason: string,
  ): Promise<void> {
    await this.markFailed(
      user,
      entryId,
      reason,
      false,
      (entry) => entry.state === 'pending_upload' || entry.uploadId === uploadId,
    ).catch((error: unknown) => {
      if (!(error instanceof AppError)) throw error;
    });
  }

  /** Fails an upload's entry, retryable. @throws AppError 409 when it no longer waits for it. */
  private async failUpload(
    user: AuthUser,
    entryId: string,
    uploadId: string,
    reason: string,
  ): Promise<void> {
    await this.markFailed(
      user,
      entryId,
      reason,
      true,
      (entry) => entry.state === 'uploading' && entry.uploadId === uploadId,
    );
  }

  /**
   * Fails the entry with `reason` in one transaction if it waits for its bytes and `waits`
   * says it waits for these.
   * @throws AppError 409 when the entry is gone or no longer waits.
   */
  private async markFailed(
    user: AuthUser,
    entryId: string,
    reason: string,
    retryable: boolean,
    waits: (entry: EntryRow) => boolean,
  ): Promise<void> {
    const { job, entry } = await this.uow.forUser(user.id, async (repos) => {
      const current = await repos.entries.lock(entryId);
      if (!current || !WAITING.has(current.state) || !waits(current))
        throw noLongerWaiting(current);
      const entry = await repos.entries.update(entryId, {
        state: 'failed',
        reason,
        retryable,
        uploadId: null,
      });
      return { job: await repos.jobs.refresh(entry.jobId), entry };
    });
    this.events.publish(user.id, await loadUpdateEvent(this.uow.repos, job, [entry]));
  }

  private async hashFile(path: string): Promise<string> {
    const hash = this.hasher.create64();
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
    }
    return hash.digest().toString(16).padStart(16, '0');
  }
}

/** The states of an entry that waits for its bytes. */
const WAITING = new Set(['pending_upload', 'uploading']);

function noLongerWaiting(entry: EntryRow | null) {
  const state = entry?.state ?? 'gone';
  return conflict(
    `this upload no longer belongs to a waiting entry (${entry ? `${entry.path} is ${state}` : 'gone'}); its bytes were discarded`,
    { entry_state: state },
  );
}

/**
 * Refuses a change that would take the user's library past its quota: `addBytes` more (a new
 * file unless `addsFile` is false), `freedBytes` fewer (a replaced file), with `reservedBytes` of
 * other uploads in progress counted as if stored.
 * @throws AppError 413 saying which quota and by how much.
 */
async function assertQuota(
  repos: Repositories,
  user: AuthUser,
  change: { addBytes: number; freedBytes?: number; reservedBytes?: number; addsFile?: boolean },
): Promise<void> {
  if (user.quotaBytes === null && user.quotaFiles === null) return;
  const usage = await repos.users.usage(user.id);
  const addsFile = change.addsFile ?? true;
  if (user.quotaFiles !== null && addsFile && usage.files + 1 > user.quotaFiles) {
    throw payloadTooLarge(
      `file quota reached: the library holds ${usage.files} of ${user.quotaFiles} files`,
    );
  }
  const reserved = change.reservedBytes ?? 0;
  const after = usage.bytes + reserved - (change.freedBytes ?? 0) + change.addBytes;
  if (user.quotaBytes !== null && after > user.quotaBytes) {
    const inFlight = reserved > 0 ? `, ${reserved} more are being uploaded` : '';
    const freed = change.freedBytes ? ` (replacing a file of ${change.freedBytes})` : '';
    throw payloadTooLarge(
      `byte quota exceeded: ${usage.bytes} of ${user.quotaBytes} bytes used${inFlight}, and this file has ${change.addBytes}${freed}`,
    );
  }
}

function assetRow(entry: EntryRow, objectKey: string) {
  const a = (entry.analysis ?? {}) as Record<string, number | string | null | undefined>;
  const num = (k: string) => (typeof a[k] === 'number' ? a[k] : null);
  const str = (k: string) => (typeof a[k] === 'string' ? a[k] : null);
  return {
    contentHash: entry.contentHash!,
    fingerprint: entry.fingerprint,
    fingerprintKeys: entry.fingerprintKeys ?? [],
    fpDurationMs: entry.fpDurationMs,
    fpEdgeMs: entry.fpEdgeMs,
    fpProfile: entry.fpProfile,
    ...timbreColumns(entry.fingerprint),
    durationS: num('duration_s'),
    bpm: num('bpm'),
    bpmConfidence: num('bpm_confidence'),
    key: str('key'),
    keyConfidence: num('key_confidence'),
    kind: str('kind'),
    loudnessLufs: num('loudness_lufs'),
    peakDbfs: num('peak_dbfs'),
    sampleRate: num('sample_rate'),
    channels: num('channels'),
    format: str('format'),
    sizeBytes: entry.sizeBytes ?? 0,
    originalPath: entry.path,
    objectKey,
    jobId: entry.jobId,
  };
}
