import { parseBuffer, type IAudioMetadata } from 'music-metadata';
import type { Hints } from '../analysis/index.js';
import { parseKey } from '../music/key-names.js';
import { hintsFromFileName } from '../music/name-hints.js';
import { acidTempo } from './acid-chunk.js';
import { appleLoopHints, type AppleLoopHints } from './apple-loop-chunk.js';

/** What music-metadata is asked to read: tags only, no covers, no duration scan. */
export const TAG_OPTIONS = { skipCovers: true, duration: false, skipPostHeaders: true } as const;

/**
 * Tempo and key hints of a file: its tags (ID3 TBPM/TKEY, Vorbis comments, MP4 tmpo, …)
 * first, then a WAV's ACID tempo (`acid`, from acidTempo) or an Apple Loop's tempo and key
 * (`basc`, from appleLoopHints), then its name. `metadata` null means the tags could not be
 * read: no hints from them.
 */
export function hintsFrom(
  metadata: IAudioMetadata | null,
  fileName: string,
  acid: number | null = null,
  appleLoop: AppleLoopHints | null = null,
): Hints {
  const bpm = metadata?.common.bpm;
  const key = metadata?.common.key;
  const name = hintsFromFileName(fileName);
  return {
    bpm:
      (typeof bpm === 'number' && bpm >= 30 && bpm <= 300 ? bpm : null) ??
      acid ??
      appleLoop?.bpm ??
      name.bpm,
    key: (typeof key === 'string' ? parseKey(key) : null) ?? appleLoop?.key ?? name.key,
  };
}

/** The hints of a file whose bytes (or at least its head, where tags live) are in memory. */
export async function hintsFromBytes(fileName: string, bytes: Uint8Array): Promise<Hints> {
  const metadata = await parseBuffer(bytes, undefined, TAG_OPTIONS).catch(() => null);
  return hintsFrom(metadata, fileName, acidTempo(bytes), appleLoopHints(bytes));
}
