/**
 * The dashboard's files (a built single-page app) at `/`. Any GET outside /api, /hooks and /metrics
 * that names no file gets index.html, so shared addresses such as /runs/<id> open the app, which
 * routes in the browser. The shell holds no data and needs no key: every /api call the app makes does.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';

export interface DashboardOptions {
  /** The built dashboard (the `dist` folder of @baton/dashboard), with its index.html. */
  dir: string;
}

/** Only this origin's scripts, styles, images and connections; no frames, plugins or inline scripts. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the API owns: never answered with the app. */
const API_PREFIXES = ['/api/', '/hooks/'];
const API_PATHS = new Set(['/api', '/hooks', '/metrics', '/mcp']);

function ownedByApi(path: string): boolean {
  return API_PATHS.has(path) || API_PREFIXES.some((prefix) => path.startsWith(prefix));
}

async function fileAt(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

export function registerDashboardRoute(app: OpenAPIHono, options: DashboardOptions): void {
  const root = resolve(options.dir);
  const index = join(root, 'index.html');

  const send = async (c: Context, file: string): Promise<Response> => {
    const body = await readFile(file);
    const isIndex = file === index;
    // Vite names built assets by their content hash: a changed file has a new name.
    const hashed = file.startsWith(join(root, 'assets') + sep);
    c.header('Content-Type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    c.header('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : isIndex ? 'no-cache' : 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    if (isIndex) {
      c.header('Content-Security-Policy', DASHBOARD_CSP);
      c.header('Referrer-Policy', 'no-referrer');
      c.header('X-Frame-Options', 'DENY');
    }
    return c.req.method === 'HEAD' ? c.body(null, 200) : c.body(new Uint8Array(body), 200);
  };

  app.use('*', async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || ownedByApi(path)) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return next();
    }
    const wanted = resolve(root, '.' + decoded);
    // A path that climbs out of the folder (/../…) or into a dotfile gets the app, never the file.
    const inside = wanted.startsWith(root + sep) && !decoded.split('/').some((part) => part.startsWith('.'));
    const file = inside ? await fileAt(wanted) : undefined;
    if (file !== undefined) return send(c, file);
    // A missing asset is a 404, not the app: a stale page asking for an old bundle should fail plainly.
    if (decoded.startsWith('/assets/')) return c.text('Not found', 404);
    if ((await fileAt(index)) === undefined) return c.text(`The dashboard is not built (no ${index}): npm run build -w @baton/dashboard.`, 503);
    return send(c, index);
  });
}
