// The s3:// spec of --blobs and $BATON_BLOBS: what each part sets, what the environment adds, and a
// clear BATON_INVALID_BLOB_STORE for each way a spec can be wrong.
import { describe, expect, it } from 'vitest';
import { ErrorCode, hasErrorCode } from '@baton/core';
import { parseS3BlobSpec, s3BlobStoreFromSpec } from '@baton/s3';

describe('s3:// blob store specs', () => {
  it('reads bucket, prefix, endpoint, region and path style, the spec before the environment', () => {
    expect(parseS3BlobSpec('s3://payloads')).toEqual({ bucket: 'payloads', prefix: '' });
    expect(parseS3BlobSpec('s3://payloads/prod/baton/', { AWS_REGION: 'eu-west-1' })).toEqual({
      bucket: 'payloads',
      prefix: 'prod/baton/',
      region: 'eu-west-1',
    });
    // A custom endpoint: path style and a region for the signature unless said otherwise.
    expect(parseS3BlobSpec('s3://b1.example/x?endpoint=http://127.0.0.1:9000')).toEqual({
      bucket: 'b1.example',
      prefix: 'x',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    expect(
      parseS3BlobSpec('s3://bkt?region=auto&forcePathStyle=false', {
        BATON_S3_ENDPOINT: 'https://acc.r2.example',
        BATON_S3_FORCE_PATH_STYLE: 'true',
        AWS_REGION: 'x',
      }),
    ).toEqual({ bucket: 'bkt', prefix: '', endpoint: 'https://acc.r2.example', region: 'auto', forcePathStyle: false });
    expect(parseS3BlobSpec('s3://bkt', { AWS_DEFAULT_REGION: 'ap-south-1', BATON_S3_FORCE_PATH_STYLE: '1' })).toEqual({
      bucket: 'bkt',
      prefix: '',
      region: 'ap-south-1',
      forcePathStyle: true,
    });
    const store = s3BlobStoreFromSpec('s3://bkt/p', { AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(store.options).toMatchObject({ bucket: 'bkt', prefix: 'p', credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
  });

  it('says what is wrong with a spec', () => {
    const cases: [string, RegExp][] = [
      ['not a url', /is not a URL/],
      ['gs://bucket', /scheme must be s3:/],
      ['s3://AB', /not a bucket name/],
      ['s3://key:secret@bucket', /credentials do not belong in the spec/],
      ['s3://bucket?endpoint=nope', /endpoint 'nope' is not a URL/],
      ['s3://bucket?endpoint=ftp://h', /must be http: or https:/],
      ['s3://bucket?forcePathStyle=yes', /forcePathStyle must be true or false/],
      ['s3://bucket?acl=public', /unknown parameter 'acl'/],
    ];
    for (const [spec, message] of cases) {
      const error = (() => {
        try {
          parseS3BlobSpec(spec);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(hasErrorCode(error, ErrorCode.InvalidBlobStore), spec).toBe(true);
      expect(String(error), spec).toMatch(message);
    }
  });
});
