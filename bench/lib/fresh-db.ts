/** A fresh SQLite database file in its own temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FreshDb {
  readonly dir: string;
  readonly path: string;
  remove(): void;
}

export function freshDb(name = 'bench'): FreshDb {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
  return { dir, path: join(dir, `${name}.db`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
