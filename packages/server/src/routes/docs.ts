/**
 * GET /api/docs: the API reference page. Like every route but the health check it needs a (viewer)
 * key; a browser asks for it with its password prompt, and sends it again for the document it renders.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { API_REFERENCE_CSP, API_REFERENCE_HTML } from './api-reference-page.js';

export function registerDocsRoute(app: OpenAPIHono): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/docs',
      tags: ['reference'],
      summary: 'API reference page',
      description:
        'A self-contained HTML page that renders /api/openapi.json: every operation, its parameters and its schemas. Needs a viewer key; a browser asks for it (paste the key as the password).',
      responses: { 200: { description: 'The page', content: { 'text/html': { schema: z.string() } } } },
    }),
    (c) => {
      c.header('Content-Security-Policy', API_REFERENCE_CSP);
      c.header('X-Content-Type-Options', 'nosniff');
      c.header('Cache-Control', 'no-cache');
      return c.html(API_REFERENCE_HTML, 200);
    },
  );
}
