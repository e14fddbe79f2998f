/** `call: openapi` against the loopback pet store (Swagger 2, JSON and YAML) and an OpenAPI 3 document. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponseObject } from '../src/tasks/call/http-exchange.js';
import type { InterpreterOptions } from '../src/runtime/interpreter-options.js';
import { StandardError } from '../src/runtime/workflow-fault.js';
import { call, faultOf } from './support/call-harness.js';
import { startHttpBin, type Echo, type HttpBin } from './support/http-bin.js';
import { startPetStore, type PetStore } from './support/pet-store.js';

/** An OpenAPI 3 document whose server is httpbin.org/anything (echoed back by the loopback http-bin). */
const openApi3 = {
  openapi: '3.0.3',
  info: { title: 'echo', version: '1' },
  servers: [{ url: 'https://httpbin.org/{base}', variables: { base: { default: 'anything' } } }],
  components: { parameters: { id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } } },
  paths: {
    '/items/{id}': {
      parameters: [{ $ref: '#/components/parameters/id' }],
      put: {
        operationId: 'putItem',
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'boolean' } },
          { name: 'tags', in: 'query', schema: { type: 'array' } },
          { name: 'ids', in: 'query', explode: false, schema: { type: 'array' } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
        ],
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { 200: { description: 'ok', content: { 'application/json': {} } } },
      },
    },
    '/bearer': { servers: [{ url: 'https://elsewhere.example' }], get: { operationId: 'secured', servers: [{ url: 'https://httpbin.org' }], responses: {} } },
  },
};

let store: PetStore;
let bin: HttpBin;
let documents: Server;
let documentsUrl: string;
let documentRequests = 0;
let options: InterpreterOptions;
beforeAll(async () => {
  [store, bin] = await Promise.all([startPetStore(), startHttpBin()]);
  documents = createServer((request, response) => {
    documentRequests += 1;
    const yaml = request.url === '/openapi.yaml';
    response.writeHead(200, { 'content-type': yaml ? 'text/yaml' : 'application/json' });
    response.end(yaml ? toYaml(openApi3) : JSON.stringify(openApi3));
  });
  await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
  documentsUrl = `http://127.0.0.1:${(documents.address() as AddressInfo).port}`;
  options = { hostAliases: { ...store.hostAliases, ...bin.hostAliases } };
});
afterAll(async () => {
  await Promise.all([store.close(), bin.close(), new Promise((resolve) => documents.close(resolve))]);
});

const petStoreDocument = { endpoint: 'https://petstore.swagger.io/v2/swagger.json' };
const openapi = (args: Record<string, unknown>, reference?: string, callOptions = options) =>
  call({ call: 'openapi', with: args, ...(reference ? { reference } : {}) }, { options: callOptions });

describe('call: openapi on a Swagger 2 document', () => {
  it('finds pets by status (the CTK scenario) and fetches the document once', async () => {
    const own: InterpreterOptions = { hostAliases: store.hostAliases };
    const before = store.requests.filter((request) => request.url === '/v2/swagger.json').length;
    const pets = (await openapi({ document: petStoreDocument, operationId: 'findPetsByStatus', parameters: { status: 'available' } }, undefined, own)) as {
      name: string;
    }[];
    expect(pets.map((pet) => pet.name)).toEqual(['Rex', 'Tom']);
    const several = (await openapi(
      { document: petStoreDocument, operationId: 'findPetsByStatus', parameters: { status: ['pending', 'sold'] } },
      undefined,
      own,
    )) as { name: string }[];
    expect(several.map((pet) => pet.name)).toEqual(['Misty', 'Bella']);
    expect(store.requests.filter((request) => request.url === '/v2/swagger.json').length - before).toBe(1);
    expect(store.requests.at(-1)?.url).toBe('/v2/pet/findByStatus?status=pending&status=sold');
  });

  it('gets a pet by id with output: response (the CTK scenario)', async () => {
    const response = (await openapi({
      document: petStoreDocument,
      operationId: 'getPetById',
      parameters: { petId: 1 },
      output: 'response',
    })) as HttpResponseObject;
    expect(response.request).toMatchObject({ method: 'get', uri: 'https://petstore.swagger.io/v2/pet/1' });
    expect(response.statusCode).toBe(200);
    expect(response.content).toMatchObject({ id: 1, name: 'Rex', status: 'available' });
  });

  it('reads YAML documents, sends body, header and form parameters', async () => {
    const yamlDocument = { endpoint: 'https://petstore.swagger.io/v2/swagger.yaml' };
    const added = await openapi({
      document: yamlDocument,
      operationId: 'addPet',
      parameters: { body: { id: 77, name: 'Nemo', photoUrls: [], status: 'pending' } },
    });
    expect(added).toMatchObject({ id: 77, name: 'Nemo' });
    expect(store.pets.get(77)?.status).toBe('pending');
    await openapi({ document: yamlDocument, operationId: 'updatePetWithForm', parameters: { petId: 77, status: 'sold' } });
    expect(store.requests.at(-1)).toMatchObject({ method: 'POST', body: 'status=sold' });
    expect(store.pets.get(77)?.status).toBe('sold');
    await openapi({ document: yamlDocument, operationId: 'deletePet', parameters: { petId: 77, api_key: 'key-1' } });
    expect(store.requests.at(-1)?.headers.api_key).toBe('key-1');
    expect(store.pets.has(77)).toBe(false);
  });

  it('faults: 404 from the operation, unknown operation, missing required parameter', async () => {
    const missing = await faultOf(openapi({ document: petStoreDocument, operationId: 'getPetById', parameters: { petId: 4040 } }, '/do/0/getPet'));
    expect(missing).toMatchObject({ type: StandardError.communication.type, status: 404, instance: '/do/0/getPet' });
    const unknown = await faultOf(openapi({ document: petStoreDocument, operationId: 'adoptPet' }));
    expect(unknown).toMatchObject({ type: StandardError.configuration.type });
    expect(unknown.detail).toContain('findPetsByStatus');
    const required = await faultOf(openapi({ document: petStoreDocument, operationId: 'getPetById', parameters: {} }));
    expect(required).toMatchObject({ type: StandardError.validation.type, status: 400 });
  });

  it('a document that cannot be fetched is a communication fault', async () => {
    const fault = await faultOf(openapi({ document: { endpoint: 'https://petstore.swagger.io/v2/nothing.json' }, operationId: 'getPetById' }));
    expect(fault).toMatchObject({ type: StandardError.communication.type, status: 404 });
  });
});

describe('call: openapi on an OpenAPI 3 document', () => {
  it('builds the request from servers, path-level $ref parameters, query, header and request body', async () => {
    for (const file of ['openapi.json', 'openapi.yaml']) {
      const echo = (await openapi({
        document: { endpoint: `${documentsUrl}/${file}` },
        operationId: 'putItem',
        parameters: { id: 'a b', dryRun: true, tags: ['x', 'y'], ids: [1, 2], 'X-Trace': 't-1', body: { name: 'thing' } },
      })) as Echo;
      expect(bin.requests.at(-1)?.url).toBe('/anything/items/a%20b?dryRun=true&tags=x&tags=y&ids=1%2C2');
      expect(echo).toMatchObject({ method: 'PUT', path: '/anything/items/a%20b', args: { dryRun: 'true', tags: 'x,y', ids: '1,2' }, json: { name: 'thing' } });
      expect(echo.headers['x-trace']).toBe('t-1');
      expect(echo.headers['content-type']).toBe('application/json');
    }
  });

  it('uses the operation servers and its authentication policy', async () => {
    const answer = await openapi({
      document: { endpoint: `${documentsUrl}/openapi.json` },
      operationId: 'secured',
      authentication: { bearer: { token: 'tok' } },
    });
    expect(answer).toEqual({ authenticated: true, token: 'tok' });
    const refused = await faultOf(openapi({ document: { endpoint: `${documentsUrl}/openapi.json` }, operationId: 'secured' }));
    expect(refused).toMatchObject({ type: StandardError.authentication.type, status: 401 });
    expect(documentRequests).toBeGreaterThan(0);
  });
});
