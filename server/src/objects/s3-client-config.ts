import type { S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * The settings of every S3 client of the server (its object store, a user's bucket): the
 * region (us-east-1 unless given), the endpoint of an S3-compatible store with path-style
 * addressing, and checksums sent only where S3 requires them, which every S3-compatible store
 * accepts. Without `credentials` the SDK finds them as AWS tools do (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE).
 */
export function s3ClientConfig(options: {
  region: string | null;
  endpoint: string | null;
  credentials?: S3ClientConfig['credentials'];
}): S3ClientConfig {
  // The SDK warns on Node 20 that its releases from January 2027 will need Node 22; the
  // lockfile pins one that runs on Node 20, so the warning says nothing to an operator.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    region: options.region ?? 'us-east-1',
    followRegionRedirects: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
  };
}
