/**
 * Errors of the AWS SDK's S3 client, read without loading the SDK (it loads only where S3 is
 * used): every service error carries the HTTP status in `$metadata`.
 */

interface S3ErrorShape extends Error {
  $metadata: { httpStatusCode?: number };
}

function isS3Error(error: unknown): error is S3ErrorShape {
  return error instanceof Error && typeof (error as Partial<S3ErrorShape>).$metadata === 'object';
}

/** The HTTP status the store answered with; undefined for a failure without an answer. */
export function s3Status(error: unknown): number | undefined {
  return isS3Error(error) ? error.$metadata.httpStatusCode : undefined;
}

/** What answers without a body (HEAD) mean, where the SDK can only say "Unknown". */
const STATUS_MEANINGS: Record<number, string> = {
  301: 'the bucket is in another region: set AWS_REGION to its region',
  400: 'the store refused the request: check AWS_REGION and OBJECT_STORE_ENDPOINT',
  403: 'access denied: check the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and that they may use this bucket',
  404: 'there is no such bucket',
};

/** What an S3 error says, for a person: its code, status and message. */
export function describeS3Error(error: unknown): string {
  if (isS3Error(error)) {
    const status = s3Status(error);
    const where = status ? ` (HTTP ${status})` : '';
    if (error.name === 'Unknown' || error.message === 'UnknownError' || !error.message) {
      const meaning = status === undefined ? undefined : STATUS_MEANINGS[status];
      return `${meaning ?? 'the store answered with an error'}${where}`;
    }
    const said = error.message !== error.name ? `: ${error.message}` : '';
    return `${error.name}${where}${said}`;
  }
  return error instanceof Error ? error.message : String(error);
}
