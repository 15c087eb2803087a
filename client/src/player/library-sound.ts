/** The URL that plays (or downloads) a library sound: the server's file content route. */
export function librarySoundUrl(assetId: string): string {
  return `/api/v1/audio/files/${encodeURIComponent(assetId)}/content`;
}
