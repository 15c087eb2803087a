export * from './backoff.js';
export * from './copy-order.js';
export * from './import-api.js';
export * from './ingest-outcome.js';
export * from './manifest-sender.js';
export * from './policy.js';
export * from './stages.js';
export * from './upload-pool.js';
