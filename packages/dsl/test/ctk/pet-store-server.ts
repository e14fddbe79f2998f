/**
 * A loopback stand-in for the public services the conformance kit's calls name: the Swagger pet
 * store (`petstore.swagger.io`: pets by id and by status, its Swagger 2.0 document, 404 for unknown
 * paths) and httpbin's basic-auth check (`httpbin.org`). The interpreter reaches it through
 * `hostAliases`, so the features stay as written.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const PETS = [
  { id: 1, category: { id: 1, name: 'dogs' }, name: 'Milou', photoUrls: [], tags: [], status: 'available' },
  { id: 2, category: { id: 2, name: 'cats' }, name: 'Felix', photoUrls: [], tags: [], status: 'available' },
  { id: 3, category: { id: 1, name: 'dogs' }, name: 'Idefix', photoUrls: [], tags: [], status: 'sold' },
];

export interface PetStoreServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The host aliases that send the kit's hosts here. */
  readonly hostAliases: Record<string, string>;
  close(): Promise<void>;
}

export async function startPetStoreServer(): Promise<PetStoreServer> {
  const server = createServer((request, response) => answer(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hostAliases: { 'petstore.swagger.io': url, 'httpbin.org': url },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const json = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'GET') return json(405, { code: 405, type: 'unknown', message: 'Method not allowed' });
  const path = url.pathname;
  if (path === '/v2/swagger.json') return json(200, swaggerDocument());
  if (path === '/v2/pet/findByStatus') {
    const statuses = url.searchParams.getAll('status').flatMap((s) => s.split(','));
    return json(
      200,
      PETS.filter((pet) => statuses.includes(pet.status)),
    );
  }
  const byId = /^\/v2\/pet\/(\d+)$/.exec(path);
  if (byId !== null) {
    const pet = PETS.find((p) => p.id === Number(byId[1]));
    return pet === undefined ? json(404, { code: 1, type: 'error', message: 'Pet not found' }) : json(200, pet);
  }
  const basic = /^\/basic-auth\/([^/]+)\/([^/]+)$/.exec(path);
  if (basic !== null) {
    const expected = `Basic ${Buffer.from(`${decodeURIComponent(basic[1]!)}:${decodeURIComponent(basic[2]!)}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="Fake Realm"' });
      return void response.end();
    }
    return json(200, { authenticated: true, user: decodeURIComponent(basic[1]!) });
  }
  return json(404, { code: 404, type: 'unknown', message: 'java.lang.NumberFormatException: For input string' });
}

/** The parts of the pet store's Swagger 2.0 document that the kit's OpenAPI calls use. */
function swaggerDocument(): unknown {
  const pet = { $ref: '#/definitions/Pet' };
  return {
    swagger: '2.0',
    info: { title: 'Swagger Petstore', version: '1.0.7' },
    host: 'petstore.swagger.io',
    basePath: '/v2',
    schemes: ['https', 'http'],
    paths: {
      '/pet/findByStatus': {
        get: {
          operationId: 'findPetsByStatus',
          produces: ['application/json'],
          parameters: [{ name: 'status', in: 'query', required: true, type: 'array', items: { type: 'string' }, collectionFormat: 'multi' }],
          responses: { '200': { description: 'successful operation', schema: { type: 'array', items: pet } }, '400': { description: 'Invalid status value' } },
        },
      },
      '/pet/{petId}': {
        get: {
          operationId: 'getPetById',
          produces: ['application/json'],
          parameters: [{ name: 'petId', in: 'path', required: true, type: 'integer', format: 'int64' }],
          responses: { '200': { description: 'successful operation', schema: pet }, '404': { description: 'Pet not found' } },
        },
      },
    },
    definitions: {
      Pet: {
        type: 'object',
        required: ['name', 'photoUrls'],
        properties: { id: { type: 'integer' }, name: { type: 'string' }, status: { type: 'string', enum: ['available', 'pending', 'sold'] } },
      },
    },
  };
}
