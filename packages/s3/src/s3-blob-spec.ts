/**
 * The S3 blob store named by a spec, as `--blobs` and $BATON_BLOBS take it:
 * `s3://<bucket>[/<prefix>][?endpoint=<url>&region=<region>&forcePathStyle=true|false]`.
 * Credentials are never in the spec: they come from the AWS SDK's chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance and container roles). The endpoint and path style may
 * also come from $BATON_S3_ENDPOINT and $BATON_S3_FORCE_PATH_STYLE; the spec wins.
 */
import { BatonError, ErrorCode } from '@baton/core';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

export interface S3BlobSpec {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
}

/** S3's rules for bucket names (3–63 lowercase letters, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PARAMETERS = new Set(['endpoint', 'region', 'forcePathStyle']);

function invalid(spec: string, why: string): BatonError {
  return new BatonError(
    ErrorCode.InvalidBlobStore,
    `The blob store '${spec.slice(0, 200)}' is not valid: ${why}. Write s3://<bucket>[/<prefix>][?endpoint=<url>&region=<region>&forcePathStyle=true].`,
    { retryable: false, details: { spec: spec.slice(0, 200) } },
  );
}

function flag(spec: string, name: string, text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw invalid(spec, `${name} must be true or false, not '${text.slice(0, 40)}'`);
}

/** Reads an `s3://` spec; throws BATON_INVALID_BLOB_STORE saying what is wrong. */
export function parseS3BlobSpec(spec: string, env: Record<string, string | undefined> = {}): S3BlobSpec {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw invalid(spec, 'it is not a URL');
  }
  if (url.protocol !== 's3:') throw invalid(spec, `the scheme must be s3:, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw invalid(spec, 'credentials do not belong in the spec: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const bucket = url.hostname;
  if (!BUCKET.test(bucket)) throw invalid(spec, `'${bucket}' is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)`);
  for (const key of url.searchParams.keys())
    if (!PARAMETERS.has(key)) throw invalid(spec, `unknown parameter '${key.slice(0, 40)}' (known: endpoint, region, forcePathStyle)`);
  const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const parsed: S3BlobSpec = { bucket, prefix };
  const endpoint = url.searchParams.get('endpoint') ?? nonEmpty(env.BATON_S3_ENDPOINT);
  if (endpoint !== undefined) {
    let target: URL;
    try {
      target = new URL(endpoint);
    } catch {
      throw invalid(spec, `the endpoint '${endpoint.slice(0, 100)}' is not a URL`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw invalid(spec, `the endpoint must be http: or https:, not ${target.protocol}`);
    parsed.endpoint = endpoint;
  }
  const region = url.searchParams.get('region') ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  // A self-hosted server rarely cares about the region, but the request signature names one.
  if (region !== undefined) parsed.region = region;
  else if (endpoint !== undefined) parsed.region = 'us-east-1';
  const pathStyle = url.searchParams.get('forcePathStyle') ?? nonEmpty(env.BATON_S3_FORCE_PATH_STYLE);
  // Self-hosted servers mostly address buckets by path; AWS by host name.
  if (pathStyle !== undefined) parsed.forcePathStyle = flag(spec, 'forcePathStyle', pathStyle);
  else if (endpoint !== undefined) parsed.forcePathStyle = true;
  return parsed;
}

/** The store a spec names (not yet checked: call `check()` to see that the bucket answers). */
export function s3BlobStoreFromSpec(spec: string, env: Record<string, string | undefined> = {}, options: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  // Keys given in this environment are used as they are; without them the SDK's chain looks further (profiles, roles).
  const credentials =
    accessKeyId === undefined || secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) } };
  return new S3BlobStore({ ...parseS3BlobSpec(spec, env), ...credentials, ...options });
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
