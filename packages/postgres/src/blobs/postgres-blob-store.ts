/**
 * Blobs in PostgreSQL (see migrations/0025_blobs.sql): a row per blob and its bytes in 1 MiB bytea
 * chunks. A write is one transaction, so a failed or interrupted upload leaves nothing; a read fetches
 * one chunk per query, so neither side holds more than a chunk or two of a blob in memory.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  BatonError,
  DEFAULT_CONTENT_TYPE,
  ErrorCode,
  blobNotFound,
  checkBlobId,
  chunksOf,
  type BlobInfo,
  type BlobListOptions,
  type BlobPutOptions,
  type BlobSource,
  type BlobStore,
} from '@baton/core';
import { migrate } from '../connection/migrate.js';

export interface PostgresBlobStoreOptions {
  connectionString: string;
  /** The deployment's schema (the PostgresStore's). Default 'baton'. */
  schema?: string;
  /** Most connections in this store's pool. Default 4. */
  maxConnections?: number;
  /** Size of a chunk row. Default 1 MiB. */
  chunkBytes?: number;
  now?: () => number;
}

interface BlobRow {
  id: string;
  namespace: string;
  run_id: string | null;
  content_type: string;
  size: string | number;
  created_at: string | number;
}

const COLUMNS = 'id, namespace, run_id, content_type, size, created_at';

export class PostgresBlobStore implements BlobStore {
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly options: PostgresBlobStoreOptions;
  readonly #chunkBytes: number;
  readonly #now: () => number;
  #ready: Promise<void> | undefined;

  constructor(options: PostgresBlobStoreOptions) {
    this.options = options;
    this.#schema = options.schema ?? 'baton';
    this.#chunkBytes = options.chunkBytes ?? 1024 * 1024;
    this.#now = options.now ?? Date.now;
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4, options: `-c search_path=${this.#schema}` });
    this.#pool.on('error', () => {});
  }

  /** Applies the schema's migrations (as PostgresStore does); called by every method on first use. */
  init(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await migrate(client, this.#schema, this.#now());
      } finally {
        client.release();
      }
    })();
    return this.#ready;
  }

  async put(source: BlobSource, options: BlobPutOptions = {}): Promise<BlobInfo> {
    await this.init();
    const id = options.id ?? randomUUID();
    checkBlobId(id);
    const info: BlobInfo = {
      id,
      size: 0,
      contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      namespace: options.namespace ?? 'default',
      createdAt: this.#now(),
    };
    if (options.runId !== undefined) info.runId = options.runId;
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(`INSERT INTO blobs (${COLUMNS}) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (id) DO NOTHING`, [
        id,
        info.namespace,
        options.runId ?? null,
        info.contentType,
        info.createdAt,
      ]);
      if (inserted.rowCount !== 1) {
        throw new BatonError(ErrorCode.InvalidArgument, `A blob '${id}' exists already: blobs are immutable, write under a new id.`, { retryable: false });
      }
      let n = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const data = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await client.query('INSERT INTO blob_chunks (blob_id, n, data) VALUES ($1, $2, $3)', [id, n++, data]);
      };
      for await (const chunk of chunksOf(source, options.maxBytes)) {
        let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        info.size += rest.byteLength;
        while (rest.byteLength > 0) {
          const take = Math.min(rest.byteLength, this.#chunkBytes - pendingBytes);
          // The caller may reuse its buffer once we move on: keep a copy of what waits for a full chunk.
          pending.push(Buffer.from(rest.subarray(0, take)));
          pendingBytes += take;
          rest = rest.subarray(take);
          if (pendingBytes === this.#chunkBytes) await flush();
        }
      }
      await flush();
      await client.query('UPDATE blobs SET size = $2 WHERE id = $1', [id, info.size]);
      await client.query('COMMIT');
      return info;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async stat(id: string): Promise<BlobInfo | undefined> {
    checkBlobId(id);
    await this.init();
    const { rows } = await this.#pool.query<BlobRow>(`SELECT ${COLUMNS} FROM blobs WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toInfo(rows[0]);
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    if ((await this.stat(id)) === undefined) throw blobNotFound(id);
    for (let n = 0; ; n++) {
      const { rows } = await this.#pool.query<{ data: Buffer }>('SELECT data FROM blob_chunks WHERE blob_id = $1 AND n = $2', [id, n]);
      if (rows[0] === undefined) return;
      yield rows[0].data;
    }
  }

  async attach(ids: readonly string[], runId: string): Promise<void> {
    await this.init();
    const { rows } = await this.#pool.query<{ id: string }>('UPDATE blobs SET run_id = $2 WHERE id = ANY($1::text[]) RETURNING id', [ids, runId]);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.find((id) => !found.has(id));
    if (missing !== undefined) throw blobNotFound(missing);
  }

  async delete(ids: readonly string[]): Promise<number> {
    await this.init();
    return (await this.#pool.query('DELETE FROM blobs WHERE id = ANY($1::text[])', [ids])).rowCount ?? 0;
  }

  async deleteForRuns(runIds: readonly string[]): Promise<number> {
    await this.init();
    return (await this.#pool.query('DELETE FROM blobs WHERE run_id = ANY($1::text[])', [runIds])).rowCount ?? 0;
  }

  async list(options: BlobListOptions = {}): Promise<BlobInfo[]> {
    await this.init();
    const { rows } = await this.#pool.query<BlobRow>(
      `SELECT ${COLUMNS} FROM blobs WHERE created_at < $1 AND ($2::boolean IS NOT TRUE OR run_id IS NULL) ORDER BY created_at, id LIMIT $3`,
      [options.createdBefore ?? Number.MAX_SAFE_INTEGER, options.unattached === true, options.limit ?? null],
    );
    return rows.map(toInfo);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function toInfo(row: BlobRow): BlobInfo {
  const info: BlobInfo = {
    id: row.id,
    namespace: row.namespace,
    contentType: row.content_type,
    size: Number(row.size),
    createdAt: Number(row.created_at),
  };
  if (row.run_id !== null) info.runId = row.run_id;
  return info;
}
