/**
 * Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2…). Writes stream through a multipart
 * upload (a part or two in memory at a time, never the whole blob); reads stream the object's body.
 * The key layout is in s3-keys.ts: the description object is written last and deleted first, so a
 * blob exists exactly while it does; markers let collectors list by age and find a run's blobs
 * without reading every description.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  BatonError,
  DEFAULT_CONTENT_TYPE,
  ErrorCode,
  blobExists,
  blobNotFound,
  checkBlobId,
  chunksOf,
  type BlobInfo,
  type BlobListOptions,
  type BlobPutOptions,
  type BlobSource,
  type BlobStore,
} from '@baton/core';
import { blobKeys, type BlobKeys } from './s3-keys.js';
import { mapLimit } from './map-limit.js';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Key prefix of every object this store writes ('' for the bucket's root). Default ''. */
  prefix?: string;
  /** A custom endpoint (MinIO, Ceph, a local test server): `http://127.0.0.1:9000`. Default: AWS's. */
  endpoint?: string;
  /** The bucket's region. Default: the AWS SDK's chain (AWS_REGION, ~/.aws/config). */
  region?: string;
  /** Address the bucket in the path (`endpoint/bucket/key`), as most self-hosted servers need. */
  forcePathStyle?: boolean;
  /** Explicit credentials. Default: the AWS SDK's chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Anything else for the S3 client (retries, timeouts, checksums). */
  clientConfig?: S3ClientConfig;
  /** A client to use instead of making one (it is not destroyed by `close`). */
  client?: S3Client;
  /** Size of a multipart upload's part (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partBytes?: number;
  /** Parts uploaded at once; memory held by a write is about partBytes × (partsInFlight + 1). Default 2. */
  partsInFlight?: number;
  /** Creation markers without a description older than this are leftovers of interrupted writes, removed by `list`. Default 24 h. */
  abandonedAfterMs?: number;
  /** The clock of `createdAt`. Default Date.now. */
  now?: () => number;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;
/** Objects read or deleted at once by one call. */
const CONCURRENCY = 8;

export class S3BlobStore implements BlobStore {
  readonly bucket: string;
  readonly options: S3BlobStoreOptions;
  readonly #client: S3Client;
  readonly #ownsClient: boolean;
  readonly #keys: BlobKeys;
  readonly #now: () => number;
  readonly #partBytes: number;

  constructor(options: S3BlobStoreOptions) {
    this.options = options;
    this.bucket = options.bucket;
    this.#keys = blobKeys(options.prefix ?? '');
    this.#now = options.now ?? Date.now;
    this.#partBytes = Math.max(MIN_PART_BYTES, options.partBytes ?? 8 * 1024 * 1024);
    this.#ownsClient = options.client === undefined;
    this.#client =
      options.client ??
      new S3Client({
        // Checksums only where S3 requires them: what every S3-compatible server understands.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        ...options.clientConfig,
      });
  }

  /** Checks that the bucket answers and may be used (HEAD bucket); a process calls it at start. */
  async check(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const status = statusOf(error);
      const why =
        (error as { name?: string } | undefined)?.name === 'CredentialsProviderError'
          ? 'no credentials were found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)'
          : status === 404
            ? 'there is no such bucket'
            : status === 403 || status === 401
              ? 'access is denied (check the credentials and the bucket policy)'
              : `it did not answer (${error instanceof Error ? error.message : String(error)})`;
      throw new BatonError(ErrorCode.InvalidBlobStore, `The S3 blob store's bucket '${this.bucket}' cannot be used: ${why}.`, {
        retryable: status === undefined || status >= 500,
        cause: error,
        details: { bucket: this.bucket, ...(status === undefined ? {} : { status }) },
      });
    }
  }

  async put(source: BlobSource, options: BlobPutOptions = {}): Promise<BlobInfo> {
    const id = options.id ?? randomUUID();
    checkBlobId(id);
    if ((await this.stat(id)) !== undefined) throw blobExists(id);
    const info: BlobInfo = {
      id,
      size: 0,
      contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      namespace: options.namespace ?? 'default',
      createdAt: this.#now(),
    };
    if (options.runId !== undefined) info.runId = options.runId;
    const written: string[] = [];
    try {
      // The creation marker first: whatever an interrupted write leaves, a collector can find.
      written.push(this.#keys.created(info.createdAt, id));
      await this.#putEmpty(this.#keys.created(info.createdAt, id));
      async function* counted(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
        for await (const chunk of chunks) {
          info.size += chunk.byteLength;
          yield chunk;
        }
      }
      written.push(this.#keys.data(id));
      const upload = new Upload({
        client: this.#client,
        params: {
          Bucket: this.bucket,
          Key: this.#keys.data(id),
          Body: Readable.from(counted(chunksOf(source, options.maxBytes))),
          ContentType: info.contentType,
        },
        partSize: this.#partBytes,
        queueSize: this.options.partsInFlight ?? 2,
        // Aborted below, so that a failed abort cannot hide why the upload failed.
        leavePartsOnError: true,
      });
      try {
        await upload.done();
      } catch (error) {
        if (upload.uploadId !== undefined) {
          // Uploaded parts are billed until aborted; a server that refuses leaves them to the bucket's lifecycle rule.
          await this.#client
            .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.#keys.data(id), UploadId: upload.uploadId }))
            .catch(() => undefined);
        }
        throw error;
      }
      if (info.runId !== undefined) {
        written.push(this.#keys.run(info.runId, id));
        await this.#putEmpty(this.#keys.run(info.runId, id));
      }
      await this.#putMeta(info);
      return info;
    } catch (error) {
      await this.#deleteKeys(written).catch(() => undefined);
      throw error;
    }
  }

  async stat(id: string): Promise<BlobInfo | undefined> {
    checkBlobId(id);
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#keys.meta(id) }));
      return JSON.parse(await object.Body!.transformToString('utf8')) as BlobInfo;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    checkBlobId(id);
    let body: Readable;
    try {
      body = (await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#keys.data(id) }))).Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw blobNotFound(id);
      throw error;
    }
    try {
      for await (const chunk of body) yield chunk as Buffer;
    } finally {
      // A reader that stops early frees the connection.
      body.destroy();
    }
  }

  async attach(ids: readonly string[], runId: string): Promise<void> {
    for (const id of ids) {
      const info = await this.stat(id);
      if (info === undefined) throw blobNotFound(id);
      if (info.runId === runId) continue;
      await this.#putEmpty(this.#keys.run(runId, id));
      await this.#putMeta({ ...info, runId });
      if (info.runId !== undefined) await this.#deleteKeys([this.#keys.run(info.runId, id)]);
    }
  }

  async delete(ids: readonly string[]): Promise<number> {
    const deleted = await mapLimit(ids, CONCURRENCY, async (id) => {
      const info = await this.stat(id);
      if (info === undefined) return 0;
      // The description first: the blob is gone at once; what follows is tidying a collector redoes.
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#keys.meta(id) }));
      const keys = [this.#keys.data(id), this.#keys.created(info.createdAt, id)];
      if (info.runId !== undefined) keys.push(this.#keys.run(info.runId, id));
      await this.#deleteKeys(keys);
      return 1;
    });
    return deleted.reduce((a: number, b) => a + b, 0);
  }

  async deleteForRuns(runIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const runId of runIds) {
      const prefix = this.#keys.runPrefix(runId);
      for await (const page of this.#pages(prefix)) {
        const ids = page.map((o) => o.key.slice(prefix.length));
        const owned = await mapLimit(ids, CONCURRENCY, async (id) => ((await this.stat(id))?.runId === runId ? id : undefined));
        deleted += await this.delete(owned.filter((id): id is string => id !== undefined));
        // Markers of blobs attached elsewhere since, or deleted half-way, go too.
        await this.#deleteKeys(page.map((o) => o.key));
      }
    }
    return deleted;
  }

  async list(options: BlobListOptions = {}): Promise<BlobInfo[]> {
    const before = options.createdBefore ?? Number.POSITIVE_INFINITY;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const abandonedBefore = this.#now() - (this.options.abandonedAfterMs ?? 24 * 60 * 60_000);
    const found: BlobInfo[] = [];
    for await (const page of this.#pages(this.#keys.createdPrefix)) {
      const markers = [];
      let done = false;
      for (const object of page) {
        const marker = this.#keys.parseCreated(object.key);
        if (marker === undefined) continue;
        // Keys sort by creation time: nothing further on is old enough.
        if (marker.createdAt >= before) {
          done = true;
          break;
        }
        markers.push({ ...marker, key: object.key });
      }
      const infos = await mapLimit(markers, CONCURRENCY, async (marker) => {
        const info = await this.stat(marker.id);
        if (info === undefined && marker.createdAt < abandonedBefore) await this.#deleteKeys([marker.key, this.#keys.data(marker.id)]);
        return info;
      });
      for (const info of infos) {
        if (info === undefined || (options.unattached === true && info.runId !== undefined)) continue;
        found.push(info);
        if (found.length >= limit) return found;
      }
      if (done) break;
    }
    return found;
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.destroy();
  }

  async *#pages(prefix: string): AsyncGenerator<{ key: string }[]> {
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }),
      );
      yield (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key }]));
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async #putEmpty(key: string): Promise<void> {
    await this.#client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: new Uint8Array(0) }));
  }

  async #putMeta(info: BlobInfo): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.#keys.meta(info.id), Body: JSON.stringify(info), ContentType: 'application/json' }),
    );
  }

  async #deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      if (batch.length === 0) continue;
      const result = await this.#client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = result.Errors?.[0];
      if (failed !== undefined) {
        throw new BatonError(
          ErrorCode.StoreError,
          `Deleting '${failed.Key ?? '?'}' from bucket '${this.bucket}' failed: ${failed.Code ?? ''} ${failed.Message ?? ''}`.trim(),
          {
            retryable: true,
          },
        );
      }
    }
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}
