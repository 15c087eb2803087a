import { parseFile } from 'music-metadata';
import type { Hints } from '../analysis/index.js';
import { hintsFrom, hintsFromBytes, TAG_OPTIONS } from '../files/index.js';

/**
 * Tempo and key hints of a file (tags first, name second). Reads tags from `bytes` when the
 * caller already holds them, else from the file's headers. Unreadable tags are no hints.
 */
export async function readHints(
  path: string,
  fileName: string,
  bytes: Uint8Array | null,
): Promise<Hints> {
  if (bytes) return hintsFromBytes(fileName, bytes);
  return hintsFrom(await parseFile(path, TAG_OPTIONS).catch(() => null), fileName);
}
