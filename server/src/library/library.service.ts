import { checkRequestSchema, type CheckResponse } from '../../../shared/schemas/index.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { parseOrThrow } from '../validation.js';
import type { AudioFileRow } from './audio-file.repository.js';
import { findSameSound, indexKeysOf } from './sound-match.js';

/** The user's library: what it holds, and which sounds it already has. */
export class LibraryService {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Preflight: for each item (content hash, optional fingerprint), whether the library holds
   * it already, by identical bytes or as the same sound. Answers per item, in order.
   * @throws AppError 400 a malformed request (more than MAX_ITEMS_PER_CHECK items among them).
   */
  async check(user: AuthUser, body: unknown): Promise<CheckResponse> {
    const { items } = parseOrThrow(checkRequestSchema, body, 'check request');
    const byHash = new Map(
      (
        await this.uow.repos.audioFiles.findByHashes(user.id, [
          ...new Set(items.map((i) => i.content_hash)),
        ])
      ).map((row) => [row.contentHash, row]),
    );
    const results: CheckResponse['results'] = [];
    for (const item of items) {
      const same = byHash.get(item.content_hash);
      if (same) {
        results.push({
          id: item.id,
          action: 'reject',
          reason: 'duplicate',
          asset_id: same.id,
          match: 'content',
        });
        continue;
      }
      const keys = item.fingerprint ? indexKeysOf(item.fingerprint) : null;
      const sound =
        item.fingerprint && keys && keys.length > 0
          ? await findSameSound(
              item.fingerprint,
              await this.uow.repos.audioFiles.findSoundCandidates(user.id, item.fingerprint, keys),
              (ids) => this.uow.repos.audioFiles.fingerprintsOf(ids),
            )
          : null;
      results.push(
        sound
          ? {
              id: item.id,
              action: 'reject',
              reason: 'duplicate',
              asset_id: sound.id,
              match: 'sound',
            }
          : { id: item.id, action: 'accept', reason: null, asset_id: null, match: null },
      );
    }
    return { results };
  }

  async list(user: AuthUser, limit: number, offset: number): Promise<AudioFileRow[]> {
    return this.uow.repos.audioFiles.listOwned(user.id, limit, offset);
  }
}
