/** @baton/s3: large payloads in an S3-compatible bucket (the BlobStore of @baton/core). */
export { S3BlobStore } from './s3-blob-store.js';
export type { S3BlobStoreOptions } from './s3-blob-store.js';
export { parseS3BlobSpec, s3BlobStoreFromSpec } from './s3-blob-spec.js';
export type { S3BlobSpec } from './s3-blob-spec.js';
