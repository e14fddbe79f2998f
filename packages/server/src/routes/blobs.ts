/**
 * Blobs over HTTP: large inputs arrive as a stream (POST /api/blobs, the raw body), are written to
 * the blob store as they arrive and answered with the reference a run's input carries; the bytes of
 * any blob come back as a stream (GET /api/blobs/{id}) or as a preview (GET /api/blobs/{id}/preview).
 * A key sees only the blobs of its namespace: any other answers 404, as a missing one does.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { BatonError, ErrorCode, blobNotFound, checkBlobId, type BlobInfo, type BlobStore } from '@baton/core';
import type { Context } from 'hono';
import { apiKeyOf } from '../acting.js';
import { errorResponses, json } from '../schemas.js';

export interface BlobRouteOptions {
  /** Largest upload, in bytes. Default 1 GiB. */
  maxBlobBytes?: number;
}

/** How many bytes a preview shows. */
const PREVIEW_BYTES = 1024;

export const BlobSchema = z
  .object({
    id: z.string(),
    size: z.number().int(),
    contentType: z.string(),
    namespace: z.string(),
    runId: z.string().optional(),
    createdAt: z.string().openapi({ description: 'ISO time' }),
    download: z.string().openapi({ description: 'Where the bytes are: GET this path' }),
    reference: z.unknown().openapi({ description: "The value to put in a run's input (typed JSON): workflow code receives a BlobValue handle" }),
  })
  .openapi('Blob');

export const PreviewSchema = BlobSchema.extend({
  preview: z.string().openapi({ description: `The first ${PREVIEW_BYTES} bytes: UTF-8 text for text and JSON content, base64 otherwise` }),
  previewEncoding: z.enum(['utf8', 'base64']),
  truncated: z.boolean(),
}).openapi('BlobPreview');

const BlobIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export function registerBlobRoutes(app: OpenAPIHono, blobs: BlobStore | undefined, options: BlobRouteOptions = {}): void {
  const store = (): BlobStore => {
    if (blobs === undefined) {
      throw new BatonError(
        ErrorCode.BlobStoreMissing,
        'This server has no blob store: start it with --blobs (see Large payloads and blob stores in the operations guide).',
        {
          retryable: false,
        },
      );
    }
    return blobs;
  };
  const maxBytes = options.maxBlobBytes ?? 1024 * 1024 * 1024;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/blobs',
      tags: ['blobs'],
      summary: 'Upload a blob',
      description: `Streams the raw request body (any content type, at most ${maxBytes} bytes) into the blob store, in the key's namespace. Put the answer's \`reference\` in a run's input: the workflow receives a BlobValue handle and reads the bytes lazily. An upload no run takes is deleted after an hour. Needs an operator key.`,
      responses: { 201: json(BlobSchema, 'The blob written'), ...errorResponses, 413: errorResponses[400] },
    }),
    async (c) => {
      const body = c.req.raw.body;
      if (body === null) throw new BatonError(ErrorCode.InvalidArgument, 'POST /api/blobs needs a request body: the bytes of the blob.', { retryable: false });
      const info = await store().put(body as unknown as AsyncIterable<Uint8Array>, {
        contentType: c.req.header('content-type') ?? 'application/octet-stream',
        namespace: namespaceOf(c) ?? 'default',
        maxBytes,
      });
      return c.json(describe(info), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/blobs/{id}',
      tags: ['blobs'],
      summary: 'Download a blob',
      description: "The blob's bytes as a stream, with its content type and length. Needs a viewer key of the blob's namespace.",
      request: { params: BlobIdParam },
      responses: { 200: { description: "The blob's bytes" }, ...errorResponses },
    }),
    async (c) => {
      const info = await visible(c, store(), c.req.valid('param').id);
      const source = store().read(info.id);
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          try {
            for await (const chunk of source) controller.enqueue(chunk);
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
      });
      return new Response(stream, {
        status: 200,
        headers: { 'content-type': info.contentType, 'content-length': String(info.size), 'content-disposition': `attachment; filename="${info.id}"` },
      }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/blobs/{id}/preview',
      tags: ['blobs'],
      summary: "A blob's description and first bytes",
      description: `Size, content type, owning run and the first ${PREVIEW_BYTES} bytes. Needs a viewer key of the blob's namespace.`,
      request: { params: BlobIdParam },
      responses: { 200: json(PreviewSchema, 'The preview'), ...errorResponses },
    }),
    async (c) => {
      const info = await visible(c, store(), c.req.valid('param').id);
      const head: Uint8Array[] = [];
      let taken = 0;
      for await (const chunk of store().read(info.id)) {
        head.push(chunk.subarray(0, PREVIEW_BYTES - taken));
        taken += Math.min(chunk.byteLength, PREVIEW_BYTES - taken);
        if (taken >= PREVIEW_BYTES) break;
      }
      const bytes = Buffer.concat(head);
      const text = /^(text\/|application\/(json|xml|x-ndjson|yaml))/.test(info.contentType);
      return c.json(
        {
          ...describe(info),
          preview: text ? new TextDecoder().decode(bytes) : bytes.toString('base64'),
          previewEncoding: text ? ('utf8' as const) : ('base64' as const),
          truncated: info.size > PREVIEW_BYTES,
        },
        200,
      );
    },
  );
}

function namespaceOf(c: Context): string | undefined {
  return apiKeyOf(c)?.namespace;
}

/** The blob, if the request's key may see it (its namespace); otherwise BATON_BLOB_NOT_FOUND. */
async function visible(c: Context, blobs: BlobStore, id: string): Promise<BlobInfo> {
  checkBlobId(id);
  const info = await blobs.stat(id);
  const namespace = namespaceOf(c);
  if (info === undefined || (namespace !== undefined && info.namespace !== namespace)) throw blobNotFound(id);
  return info;
}

function describe(info: BlobInfo): z.infer<typeof BlobSchema> {
  return {
    id: info.id,
    size: info.size,
    contentType: info.contentType,
    namespace: info.namespace,
    ...(info.runId === undefined ? {} : { runId: info.runId }),
    createdAt: new Date(info.createdAt).toISOString(),
    download: `/api/blobs/${info.id}`,
    reference: { $baton: 'blob', v: { id: info.id, size: info.size, type: info.contentType } },
  };
}
