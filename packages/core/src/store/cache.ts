/**
 * The Store's durable key-value cache: values (JSON text) kept until they expire, shared by every run
 * and every process on the store. The AI package caches LLM responses here, so an identical request
 * in another run is answered without paying for the model again.
 */

/**
 * One cached value. An entry is live while `now < expiresAt`: at `expiresAt` it has expired, is no
 * longer returned and may be pruned.
 */
export interface CacheEntry {
  /** Up to 200 characters, typically a prefix and a hex hash of the request (`llm:3f9a…`). Compared exactly. */
  key: string;
  /** The cached value as text (JSON), possibly a few MB. */
  value: string;
  /** When the value was stored (epoch ms, the caller's clock). */
  createdAt: number;
  /** When the value expires (epoch ms). */
  expiresAt: number;
  /** How many reads returned this value since it was stored; 0 when absent on a put. */
  hits?: number;
}
