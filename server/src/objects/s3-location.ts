/** S3 locations as the settings and the CLI name them (no SDK here: it loads only when used). */

/** The largest object one PUT may carry (S3's limit); MAX_UPLOAD_BYTES must stay within it. */
export const S3_MAX_PUT_BYTES = 5 * 1024 ** 3;

/** Where objects go: `s3://BUCKET/PREFIX` and, for any S3-compatible store, its endpoint. */
export interface S3Location {
  bucket: string;
  /** Empty, or ends with `/`. */
  prefix: string;
  /** http(s)://host:port of an S3-compatible store (path-style addressing); AWS when null. */
  endpoint: string | null;
}

/**
 * Reads `s3://bucket/prefix` (prefix optional).
 * @returns null when `url` is not of that form.
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } | null {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) return null;
  const path = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (path.split('/').some((s) => s === '..' || s === '.')) return null;
  return { bucket: match[1]!, prefix: path === '' ? '' : `${path}/` };
}
