/** Installed versions of the packages the harness measures, read from their package.json. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of an installed package, from the package.json in the nearest node_modules folder
 * that holds it (as Node resolves it from here; some packages neither export their package.json
 * nor have an entry point to resolve); 'not installed' when there is none.
 */
export function packageVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    const parent = dirname(dir);
    if (parent === dir) return 'not installed';
    dir = parent;
  }
}
