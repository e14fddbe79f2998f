/**
 * Where a blob's objects live in the bucket, under the store's prefix:
 * - `data/<id>`: the bytes;
 * - `meta/<id>.json`: the description (size, type, namespace, run, createdAt); a blob exists once
 *   this object does, so it is written last and deleted first;
 * - `created/<createdAt>-<id>`: an empty marker whose key sorts by creation time, so collectors list
 *   the oldest blobs without reading every description;
 * - `runs/<run>/<id>`: an empty marker per blob of a run, so a run's blobs are found by one listing.
 */

/** Enough digits for any epoch-ms time, zero-padded so keys sort as times do. */
const TIME_DIGITS = 15;

export interface BlobKeys {
  data(id: string): string;
  meta(id: string): string;
  created(createdAt: number, id: string): string;
  /** The prefix of the creation markers. */
  readonly createdPrefix: string;
  run(runId: string, id: string): string;
  /** The prefix of one run's markers. */
  runPrefix(runId: string): string;
  /** The creation time and id of a creation marker's key, or undefined for a key that is not one. */
  parseCreated(key: string): { createdAt: number; id: string } | undefined;
}

/** The layout under a prefix ('' for the bucket's root; a prefix without a trailing `/` gets one). */
export function blobKeys(prefix: string): BlobKeys {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const createdPrefix = `${base}created/`;
  // Run ids are chosen by callers: encoded so no character of theirs can reach into another run's prefix.
  const runPrefix = (runId: string): string => `${base}runs/${encodeURIComponent(runId)}/`;
  return {
    data: (id) => `${base}data/${id}`,
    meta: (id) => `${base}meta/${id}.json`,
    created: (createdAt, id) => `${createdPrefix}${String(Math.max(0, Math.trunc(createdAt))).padStart(TIME_DIGITS, '0')}-${id}`,
    createdPrefix,
    run: (runId, id) => `${runPrefix(runId)}${id}`,
    runPrefix,
    parseCreated(key) {
      if (!key.startsWith(createdPrefix)) return undefined;
      const rest = key.slice(createdPrefix.length);
      const createdAt = Number(rest.slice(0, TIME_DIGITS));
      if (rest.charAt(TIME_DIGITS) !== '-' || !Number.isSafeInteger(createdAt)) return undefined;
      return { createdAt, id: rest.slice(TIME_DIGITS + 1) };
    },
  };
}
