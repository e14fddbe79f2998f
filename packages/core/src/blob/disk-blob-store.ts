/**
 * Blobs in a folder on disk (the default, next to the SQLite file: `.baton/blobs/`). Each blob is
 * two files named by its id: the bytes (`<id>.bin`) and its description (`<id>.json`). Both are
 * written under temporary names in `.tmp/`, synced, and renamed into place, the description last:
 * a blob exists once its description does, so a crash mid-write leaves only temporary files, which
 * the next `open` clears.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chunksOf, blobExists, blobNotFound, checkBlobId } from './blob-source.js';
import { DEFAULT_CONTENT_TYPE, type BlobInfo, type BlobListOptions, type BlobPutOptions, type BlobSource, type BlobStore } from './blob-store.js';

export interface DiskBlobStoreOptions {
  /** The folder (created if missing). */
  dir: string;
  /** The clock of `createdAt`. Default Date.now. */
  now?: () => number;
}

export class DiskBlobStore implements BlobStore {
  readonly dir: string;
  readonly #tmp: string;
  readonly #now: () => number;
  #ready: Promise<void> | undefined;

  constructor(options: DiskBlobStoreOptions) {
    this.dir = options.dir;
    this.#tmp = join(options.dir, '.tmp');
    this.#now = options.now ?? Date.now;
  }

  /** Creates the folder and clears what interrupted writes left. Called by every method on first use. */
  open(): Promise<void> {
    this.#ready ??= (async () => {
      await rm(this.#tmp, { recursive: true, force: true });
      await mkdir(this.#tmp, { recursive: true });
    })();
    return this.#ready;
  }

  async put(source: BlobSource, options: BlobPutOptions = {}): Promise<BlobInfo> {
    await this.open();
    const id = options.id ?? randomUUID();
    checkBlobId(id);
    if (await this.stat(id)) throw blobExists(id);
    const suffix = randomUUID();
    const tmpData = join(this.#tmp, `${id}.${suffix}.bin`);
    const tmpMeta = join(this.#tmp, `${id}.${suffix}.json`);
    try {
      let size = 0;
      const file = await open(tmpData, 'w');
      try {
        for await (const chunk of chunksOf(source, options.maxBytes)) {
          await file.write(chunk);
          size += chunk.byteLength;
        }
        await file.sync();
      } finally {
        await file.close();
      }
      const info: BlobInfo = {
        id,
        size,
        contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
        namespace: options.namespace ?? 'default',
        createdAt: this.#now(),
      };
      if (options.runId !== undefined) info.runId = options.runId;
      await writeSynced(tmpMeta, JSON.stringify(info));
      await rename(tmpData, this.#data(id));
      await rename(tmpMeta, this.#meta(id));
      return info;
    } catch (error) {
      await rm(tmpData, { force: true });
      await rm(tmpMeta, { force: true });
      throw error;
    }
  }

  async stat(id: string): Promise<BlobInfo | undefined> {
    checkBlobId(id);
    try {
      return JSON.parse(await readFile(this.#meta(id), 'utf8')) as BlobInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *read(id: string): AsyncIterable<Uint8Array> {
    if ((await this.stat(id)) === undefined) throw blobNotFound(id);
    for await (const chunk of createReadStream(this.#data(id), { highWaterMark: 1024 * 1024 })) yield chunk as Buffer;
  }

  async attach(ids: readonly string[], runId: string): Promise<void> {
    await this.open();
    for (const id of ids) {
      const info = await this.stat(id);
      if (info === undefined) throw blobNotFound(id);
      if (info.runId === runId) continue;
      const tmpMeta = join(this.#tmp, `${id}.${randomUUID()}.json`);
      await writeSynced(tmpMeta, JSON.stringify({ ...info, runId }));
      await rename(tmpMeta, this.#meta(id));
    }
  }

  async delete(ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const id of ids) {
      if ((await this.stat(id)) === undefined) continue;
      await rm(this.#meta(id), { force: true });
      await rm(this.#data(id), { force: true });
      deleted++;
    }
    return deleted;
  }

  async deleteForRuns(runIds: readonly string[]): Promise<number> {
    const runs = new Set(runIds);
    const ids = (await this.#all()).filter((b) => b.runId !== undefined && runs.has(b.runId)).map((b) => b.id);
    return this.delete(ids);
  }

  async list(options: BlobListOptions = {}): Promise<BlobInfo[]> {
    const before = options.createdBefore ?? Number.POSITIVE_INFINITY;
    const found = (await this.#all())
      .filter((b) => b.createdAt < before && (options.unattached !== true || b.runId === undefined))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    return options.limit === undefined ? found : found.slice(0, options.limit);
  }

  async #all(): Promise<BlobInfo[]> {
    await this.open();
    const out: BlobInfo[] = [];
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const info = await this.stat(name.slice(0, -'.json'.length));
      if (info !== undefined) out.push(info);
    }
    return out;
  }

  #data(id: string): string {
    return join(this.dir, `${id}.bin`);
  }

  #meta(id: string): string {
    return join(this.dir, `${id}.json`);
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}
