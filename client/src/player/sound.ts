/** What a play button plays: a file this page holds (by its path), or a library sound. */
export type Sound = { kind: 'file'; path: string } | { kind: 'library'; assetId: string };

/** One key per sound: two buttons of one sound show the same state. */
export function soundKey(sound: Sound): string {
  return sound.kind === 'file' ? `file:${sound.path}` : `library:${sound.assetId}`;
}
