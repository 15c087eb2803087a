import { parseBuffer, parseFile, type IAudioMetadata } from 'music-metadata';
import type { Hints } from '../../../shared/analysis/index.js';
import { parseKey } from '../../../shared/music/key-names.js';
import { hintsFromFileName } from '../../../shared/music/name-hints.js';

const TAG_OPTIONS = { skipCovers: true, duration: false, skipPostHeaders: true } as const;

function fromTags(metadata: IAudioMetadata | null): Hints {
  const bpm = metadata?.common.bpm;
  const key = metadata?.common.key;
  return {
    bpm: typeof bpm === 'number' && bpm >= 30 && bpm <= 300 ? bpm : null,
    key: typeof key === 'string' ? parseKey(key) : null,
  };
}

/**
 * Tempo and key hints of a file: its tags (ID3 TBPM/TKEY, Vorbis comments, MP4 tmpo, …)
 * first, its name second. Reads tags from `bytes` when the caller already holds them, else
 * from the file's headers. Unreadable tags are no hints, never an error.
 */
export async function readHints(
  path: string,
  fileName: string,
  bytes: Uint8Array | null,
): Promise<Hints> {
  let metadata: IAudioMetadata | null;
  try {
    metadata = bytes
      ? await parseBuffer(bytes, undefined, TAG_OPTIONS)
      : await parseFile(path, TAG_OPTIONS);
  } catch {
    metadata = null;
  }
  const tags = fromTags(metadata);
  const name = hintsFromFileName(fileName);
  return { bpm: tags.bpm ?? name.bpm, key: tags.key ?? name.key };
}
