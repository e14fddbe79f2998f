/** Where the built dashboard is (the `dist` folder of @baton/dashboard), for the servers dev and start run. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The dashboard's dist folder, or undefined when @baton/dashboard is not installed. */
export function dashboardDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@baton/dashboard/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/** `{ dashboard: { dir } }` for startApiServer, or nothing. */
export function dashboardOption(): { dashboard?: { dir: string } } {
  const dir = dashboardDir();
  return dir === undefined ? {} : { dashboard: { dir } };
}
