/** Run ids: UUID version 7 (time-ordered, so ids sort by creation) from the engine's clock. */
import { randomUUID } from 'node:crypto';

export function uuidv7(now: number): string {
  // randomUUID draws from a cached entropy pool: much cheaper than randomBytes per id.
  const random = randomUUID();
  const hex = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
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
