import type { Readable } from 'node:stream';
import { DEFAULT_TEMPO_TOLERANCE_PCT, harmonicFit } from '../../../shared/music/harmonic-fit.js';
import {
  checkRequestSchema,
  MAX_SIMILAR_LISTED,
  MAX_TIMBRE_LISTED,
  MAX_SIMILAR_TO,
  type CheckResponse,
  type LibraryFits,
  type LibraryListInput,
  type LibraryListOutput,
  type LibrarySimilarOutput,
} from '../../../shared/schemas/index.js';
import type { AuthUser } from '../auth/auth.service.js';
import type { UnitOfWork } from '../db/unit-of-work.js';
import { notFound, unprocessable } from '../errors.js';
import type { ByteRange, ObjectStore } from '../objects/object-store.js';
import { isUuid, parseOrThrow } from '../validation.js';
import type { AudioFileRow, LibrarySound, SoundLookup } from './audio-file.repository.js';
import type { FitCondition } from './library-filters.js';
import { libraryItemView, similarFileView } from './library-views.js';
import { timbreColumns, timbreOfText } from './timbre-columns.js';
import { timbreNeighbours } from './timbre-search.js';
import { findSounds, indexKeysOf, NO_MATCHES } from './sound-match.js';

/** Library files one check request keeps once loaded whole, at most (~13 MB). */
const CHECK_SOUND_CACHE = 2048;

/** A library file's stored bytes, ready to be sent. */
export interface StoredFile {
  format: string | null;
  contentHash: string;
  sizeBytes: number;
  read(range?: ByteRange): Promise<Readable>;
}

/** The user's library: what it holds, and which sounds it already has. */
export class LibraryService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly objects: ObjectStore,
  ) {}

  /**
   * Preflight: for each item (content hash, optional fingerprint), whether the library holds
   * it already, by identical bytes or as the same sound, and else the library files it is
   * similar to (`similar_to`, closest first). Answers per item, in order.
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
    // The items of one check often share candidates (a folder of one kit's hits): each library
    // file is read once per request, up to CHECK_SOUND_CACHE of them (~6.5 KB each).
    const loaded = new Map<string, LibrarySound>();
    const soundsOf = async (ids: string[]) => {
      if (loaded.size > CHECK_SOUND_CACHE) loaded.clear();
      const missing = ids.filter((id) => !loaded.has(id));
      for (const [id, sound] of await this.uow.repos.audioFiles.soundsOf(missing)) {
        loaded.set(id, sound);
      }
      return loaded;
    };
    // Every item not known by its bytes is looked up; their candidates are read at once.
    // (Items' ids need not be unique: they are told apart by their place.)
    const lookups = new Map<number, SoundLookup>();
    items.forEach((item, at) => {
      const keys = item.fingerprint ? indexKeysOf(item.fingerprint) : null;
      if (item.fingerprint && keys && keys.length > 0 && !byHash.has(item.content_hash)) {
        lookups.set(at, { fingerprint: item.fingerprint, keys });
      }
    });
    const pools = await this.uow.repos.audioFiles.findSoundCandidatesOfMany(user.id, [
      ...lookups.values(),
    ]);
    const poolOf = new Map([...lookups.keys()].map((at, i) => [at, pools[i]!]));
    const results: CheckResponse['results'] = [];
    for (const [at, item] of items.entries()) {
      const reject = (assetId: string, match: 'content' | 'sound') => ({
        id: item.id,
        action: 'reject' as const,
        reason: 'duplicate' as const,
        asset_id: assetId,
        match,
        similar_to: [],
      });
      const same = byHash.get(item.content_hash);
      if (same) {
        results.push(reject(same.id, 'content'));
        continue;
      }
      const lookup = lookups.get(at);
      const sounds = lookup
        ? await findSounds(
            lookup.fingerprint,
            poolOf.get(at)!,
            soundsOf,
            // A copy is answered by a rejection alone: no need to compare past it.
            'same',
          )
        : NO_MATCHES;
      results.push(
        sounds.same
          ? reject(sounds.same.candidate.id, 'sound')
          : {
              id: item.id,
              action: 'accept',
              reason: null,
              asset_id: null,
              match: null,
              similar_to: sounds.similar.slice(0, MAX_SIMILAR_TO).map(({ candidate }) => ({
                asset_id: candidate.id,
                entry_id: null,
                path: candidate.originalPath,
              })),
            },
      );
    }
    return { results };
  }

  /**
   * One page of the user's files that pass the input's filters, and how many pass in all.
   * The input is parsed already (tRPC `.input(libraryListInputSchema)`). With `fits`, the
   * answer says what the sound's fit was expanded to.
   * @throws AppError 404 when `fits` is not one of the user's files; 422 when that file has
   * neither key nor tempo.
   */
  async list(user: AuthUser, input: LibraryListInput): Promise<LibraryListOutput> {
    const fits = input.fits === undefined ? undefined : await this.fitsOf(user, input);
    const fit: FitCondition | undefined = fits && {
      excludeId: fits.id,
      keys: fits.keys,
      bpmRanges: fits.bpm_ranges,
    };
    const query = { ...input, fit };
    const [rows, total] = await Promise.all([
      this.uow.repos.audioFiles.listPage(user.id, query),
      this.uow.repos.audioFiles.countMatching(user.id, query),
    ]);
    return { items: rows.map(libraryItemView), total, ...(fits && { fits }) };
  }

  /** What fits the sound `input.fits` (one of the user's), by its key and tempo. */
  private async fitsOf(user: AuthUser, input: LibraryListInput): Promise<LibraryFits> {
    const id = input.fits!;
    const row = isUuid(id) ? await this.uow.repos.audioFiles.findOwned(user.id, id) : null;
    if (!row) {
      throw notFound(
        `there is no sound ${id.slice(0, 100)} in your library to fit with: list the library and pass the id of one of its sounds as fits`,
      );
    }
    const tolerance = input.fits_tolerance_pct ?? DEFAULT_TEMPO_TOLERANCE_PCT;
    const fit = harmonicFit({ key: row.key, bpm: row.bpm }, tolerance);
    if (fit.keys === null && fit.bpm_ranges === null) {
      throw unprocessable(
        `the sound ${row.originalPath.slice(0, 200)} has neither a key nor a tempo, so nothing fits with it: pick a sound with a key or a BPM`,
      );
    }
    return { id: row.id, key: row.key, bpm: row.bpm, tolerance_pct: tolerance, ...fit };
  }

  /**
   * The user's files similar to one of theirs: those linked to it by duplicate detection (both
   * ways alike), closest first, then its nearest by timbre that are not linked (at most
   * MAX_TIMBRE_LISTED, through the cell index); at most MAX_SIMILAR_LISTED in all. A file
   * without a timbre vector of this release yet (stored before, not backfilled yet) gets it
   * computed here.
   * @throws AppError 404 for an id that is not a UUID, unknown, or another user's file.
   */
  async similar(user: AuthUser, id: string): Promise<LibrarySimilarOutput> {
    const row = await this.ownedFile(user, id);
    const { repos } = this.uow;
    const linked = await repos.similar.similarAssets(user.id, row.id, MAX_SIMILAR_LISTED);
    const items = linked.map((link) => similarFileView(link, 'duplicate-detection'));
    // One stored by an earlier release (not backfilled yet) reads as none: computed here.
    const storedVector = row.timbre ? timbreOfText(row.timbre) : null;
    const computed = storedVector ? null : timbreColumns(row.fingerprint).timbre;
    const vector = storedVector ?? (computed ? timbreOfText(computed) : null);
    const room = Math.min(MAX_TIMBRE_LISTED, MAX_SIMILAR_LISTED - items.length);
    if (vector && room > 0) {
      const listed = new Set(items.map((item) => item.id));
      const near = await timbreNeighbours(
        repos.timbre,
        user.id,
        row.id,
        vector,
        room + listed.size,
      );
      items.push(
        ...near
          .filter((n) => !listed.has(n.id))
          .slice(0, room)
          .map((near) => similarFileView(near, 'timbre')),
      );
    }
    return { items };
  }

  /**
   * The stored bytes of one of the user's files: their size, format and a way to read them.
   * @throws AppError 404 for an id that is not a UUID, unknown, or another user's file.
   * @throws Error when the library row has no object behind it (the store lost it).
   */
  async content(user: AuthUser, id: string): Promise<StoredFile> {
    const row = await this.ownedFile(user, id);
    const sizeBytes = await this.objects.size(row.objectKey);
    if (sizeBytes === null) throw new Error(`the object ${row.objectKey} of file ${id} is missing`);
    return {
      format: row.format,
      contentHash: row.contentHash,
      sizeBytes,
      read: (range) => this.objects.read(row.objectKey, range),
    };
  }

  private async ownedFile(user: AuthUser, id: string): Promise<AudioFileRow> {
    const row = isUuid(id) ? await this.uow.repos.audioFiles.findOwned(user.id, id) : null;
    if (!row) throw notFound(`there is no audio file ${id.slice(0, 100)} in your library`);
    return row;
  }
}
