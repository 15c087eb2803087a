import type { OnDuplicate } from '../../../shared/schemas/index.js';
import type { Repositories } from '../db/unit-of-work.js';
import type { EntryRow } from '../jobs/import-entry.repository.js';
import type { AudioFileRow } from '../library/audio-file.repository.js';
import { findSounds, NO_MATCHES, type SoundMatch } from '../library/sound-match.js';

/** What an entry being stored meets in the library as it is now. */
export interface CommitMatches {
  /** The library file of the same sound, to take it for (`skip`) or replace; null under `keep-both`. */
  same: Pick<AudioFileRow, 'id' | 'originalPath' | 'sizeBytes' | 'objectKey'> | null;
  /** Library files to link the stored file to, beside those its entry names (linkStoredEntry). */
  similar: SoundMatch<{ id: string }>[];
}

/**
 * The ingest compared the entry with the library as it was then: only files stored or replaced
 * since can be new matches, the same sound or similar ones (files this job stored since were
 * compared at ingest: their links are made already). A same sound found at ingest is kept for
 * `replace`; under `keep-both` the same sound is stored again and linked like a similar one.
 */
export async function matchesAtCommit(
  repos: Repositories,
  entry: EntryRow,
  policy: OnDuplicate,
): Promise<CommitMatches> {
  const found =
    entry.fingerprint && entry.fingerprintKeys
      ? await findSounds(
          entry.fingerprint,
          await repos.audioFiles.findSoundCandidates(
            entry.ownerId,
            entry.fingerprint,
            entry.fingerprintKeys,
            entry.createdAt,
          ),
          (ids) => repos.audioFiles.soundsOf(ids),
        )
      : NO_MATCHES;
  const matchedAtIngest =
    policy === 'replace' && entry.duplicateOfAssetId
      ? await repos.audioFiles.findOwned(entry.ownerId, entry.duplicateOfAssetId)
      : null;
  const keepBoth = policy === 'keep-both';
  const similar = keepBoth && found.same ? [found.same, ...found.similar] : found.similar;
  return {
    same: (keepBoth ? null : found.same?.candidate) ?? matchedAtIngest,
    similar: similar.filter((m) => m.candidate.jobId !== entry.jobId),
  };
}
