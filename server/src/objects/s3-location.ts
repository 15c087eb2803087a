/** Where the object store is, as the settings name it (no SDK here: it loads only when used). */

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
