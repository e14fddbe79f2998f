/**
 * The blobs a payload names, as the API shows them: a value over the blob threshold reads
 * `{ "$blob": { id, size, contentType } }`, a BlobValue handle inside a value
 * `{ "$baton": "blob", "v": { id, size, type } }`.
 */

export interface BlobRef {
  id: string;
  size: number;
  contentType: string;
}

/** Most blobs shown under one value (a list of handles can be long). */
const MAX_SHOWN = 20;

/** The blobs a typed-JSON value names, each once, in the order they appear. */
export function blobRefsIn(value: unknown, out: BlobRef[] = [], depth = 0): BlobRef[] {
  if (value === null || typeof value !== 'object' || depth > 32 || out.length >= MAX_SHOWN) return out;
  if (Array.isArray(value)) {
    for (const item of value) blobRefsIn(item, out, depth + 1);
    return out;
  }
  const obj = value as Record<string, unknown>;
  const spilled = obj.$blob as { id?: unknown; size?: unknown; contentType?: unknown } | undefined;
  const handle = obj.$baton === 'blob' ? (obj.v as { id?: unknown; size?: unknown; type?: unknown } | undefined) : undefined;
  const ref =
    spilled !== null && typeof spilled === 'object' && typeof spilled.id === 'string'
      ? { id: spilled.id, size: Number(spilled.size ?? 0), contentType: String(spilled.contentType ?? 'application/octet-stream') }
      : handle !== null && typeof handle === 'object' && typeof handle.id === 'string'
        ? { id: handle.id, size: Number(handle.size ?? 0), contentType: String(handle.type ?? 'application/octet-stream') }
        : undefined;
  if (ref !== undefined) {
    if (!out.some((r) => r.id === ref.id)) out.push(ref);
    return out;
  }
  for (const item of Object.values(obj)) blobRefsIn(item, out, depth + 1);
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
