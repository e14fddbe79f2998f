/** Run ids: UUID version 7 (time-ordered, so ids sort by creation) from the engine's clock. */
import { randomBytes } from 'node:crypto';

export function uuidv7(now: number): string {
  const bytes = randomBytes(16);
  const ms = BigInt(Math.max(0, Math.floor(now)));
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A small seeded PRNG (mulberry32) for reproducible jitter. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/;

/** Run ids given by users (idempotency keys): 1-200 characters of letters, digits and ._:@/- */
export function isValidRunId(id: string): boolean {
  return typeof id === 'string' && RUN_ID.test(id);
}
