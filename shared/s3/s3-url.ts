/** `s3://BUCKET/PREFIX` as the server's settings, the API and `sm-import` take it. */

/**
 * Reads `s3://bucket/prefix` (prefix optional): the bucket (a valid S3 bucket name) and the
 * prefix, empty or ending with '/'.
 * @returns null when `url` is not of that form.
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } | null {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) return null;
  const path = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (path.split('/').some((s) => s === '..' || s === '.')) return null;
  return { bucket: match[1]!, prefix: path === '' ? '' : `${path}/` };
}
