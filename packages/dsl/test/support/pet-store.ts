/**
 * A loopback pet store that answers like the public pet-store API (petstore.swagger.io, base path
 * /v2) from memory: pets (GET/POST/PUT /pet, GET/POST/DELETE /pet/{id}, GET /pet/findByStatus), the
 * store (GET /store/inventory, POST /store/order, GET/DELETE /store/order/{id}) and its Swagger
 * document (/v2/swagger.json, /v2/swagger.yaml). Definitions written against the public API run
 * against it through `hostAliases: store.hostAliases`. Every request is recorded in `requests`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify as toYaml } from 'yaml';
import { petStoreOpenApi } from './pet-store-openapi.js';

export interface Pet {
  id: number;
  name: string;
  status?: 'available' | 'pending' | 'sold';
  category?: { id: number; name: string };
  photoUrls: string[];
  tags: { id: number; name: string }[];
}

export interface Order {
  id: number;
  petId: number;
  quantity: number;
  shipDate?: string;
  status: 'placed' | 'approved' | 'delivered';
  complete: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v2/pet/findByStatus?status=available`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PetStore {
  /** The base URL of the server, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** `{ 'petstore.swagger.io': url }`, for `InterpreterOptions.hostAliases`. */
  readonly hostAliases: Readonly<Record<string, string>>;
  readonly pets: Map<number, Pet>;
  readonly orders: Map<number, Order>;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** The pets a new store starts with. */
export function defaultPets(): Pet[] {
  const dogs = { id: 1, name: 'Dogs' };
  const cats = { id: 2, name: 'Cats' };
  return [
    { id: 1, name: 'Rex', status: 'available', category: dogs, photoUrls: [], tags: [{ id: 1, name: 'friendly' }] },
    { id: 2, name: 'Misty', status: 'pending', category: cats, photoUrls: [], tags: [] },
    { id: 3, name: 'Bella', status: 'sold', category: dogs, photoUrls: [], tags: [] },
    { id: 4, name: 'Tom', status: 'available', category: cats, photoUrls: [], tags: [] },
  ];
}

const STATUSES = ['available', 'pending', 'sold'];

/** Starts a pet store on 127.0.0.1 (a free port). */
export async function startPetStore(options: { pets?: Pet[] } = {}): Promise<PetStore> {
  const pets = new Map((options.pets ?? defaultPets()).map((pet) => [pet.id, structuredClone(pet)]));
  const orders = new Map<number, Order>();
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', headers: { ...request.headers }, body });
      try {
        route(request, body, response, pets, orders);
      } catch (error) {
        send(response, 500, { code: 500, type: 'error', message: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hostAliases: { 'petstore.swagger.io': url },
    pets,
    orders,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function route(request: IncomingMessage, body: string, response: ServerResponse, pets: Map<number, Pet>, orders: Map<number, Order>): void {
  const url = new URL(request.url ?? '/', 'http://pet-store');
  const method = request.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/v2/swagger.json' && method === 'GET') return send(response, 200, petStoreOpenApi());
  if (path === '/v2/swagger.yaml' && method === 'GET') return sendText(response, 200, 'application/yaml', toYaml(petStoreOpenApi()));
  if (path === '/v2/pet/findByStatus' && method === 'GET') {
    const wanted = url.searchParams.getAll('status').flatMap((value) => value.split(','));
    if (wanted.length === 0 || wanted.some((status) => !STATUSES.includes(status))) return send(response, 400, apiMessage(400, 'Invalid status value'));
    return send(
      response,
      200,
      [...pets.values()].filter((pet) => pet.status !== undefined && wanted.includes(pet.status)),
    );
  }
  if (path === '/v2/pet' && (method === 'POST' || method === 'PUT')) {
    const pet = parsePet(body);
    if (pet === undefined) return send(response, 405, apiMessage(405, 'Invalid input'));
    if (method === 'PUT' && !pets.has(pet.id ?? -1)) return send(response, 404, apiMessage(1, 'Pet not found'));
    const id = pet.id ?? Math.max(0, ...pets.keys()) + 1;
    const stored: Pet = { photoUrls: [], tags: [], ...pet, id };
    pets.set(id, stored);
    return send(response, 200, stored);
  }
  const petMatch = /^\/v2\/pet\/([^/]+)$/.exec(path);
  if (petMatch) {
    const id = Number(petMatch[1]);
    if (!Number.isInteger(id)) return send(response, 400, apiMessage(400, `Invalid ID supplied: ${petMatch[1]}`));
    const pet = pets.get(id);
    if (pet === undefined) return send(response, 404, apiMessage(1, 'Pet not found'));
    if (method === 'GET') return send(response, 200, pet);
    if (method === 'DELETE') {
      pets.delete(id);
      return send(response, 200, apiMessage(200, String(id)));
    }
    if (method === 'POST') {
      const form = new URLSearchParams(body);
      if (form.has('name')) pet.name = form.get('name') ?? pet.name;
      if (form.has('status')) pet.status = form.get('status') as Pet['status'];
      return send(response, 200, apiMessage(200, String(id)));
    }
  }
  if (path === '/v2/store/inventory' && method === 'GET') {
    const inventory: Record<string, number> = {};
    for (const pet of pets.values()) if (pet.status) inventory[pet.status] = (inventory[pet.status] ?? 0) + 1;
    return send(response, 200, inventory);
  }
  if (path === '/v2/store/order' && method === 'POST') {
    const order = parseObject(body);
    if (order === undefined) return send(response, 400, apiMessage(400, 'Invalid Order'));
    const id = typeof order.id === 'number' ? order.id : Math.max(0, ...orders.keys()) + 1;
    const stored: Order = { petId: 0, quantity: 1, status: 'placed', complete: false, ...(order as Partial<Order>), id };
    orders.set(id, stored);
    return send(response, 200, stored);
  }
  const orderMatch = /^\/v2\/store\/order\/([^/]+)$/.exec(path);
  if (orderMatch) {
    const id = Number(orderMatch[1]);
    if (!Number.isInteger(id)) return send(response, 400, apiMessage(400, 'Invalid ID supplied'));
    const order = orders.get(id);
    if (order === undefined) return send(response, 404, apiMessage(1, 'Order not found'));
    if (method === 'GET') return send(response, 200, order);
    if (method === 'DELETE') {
      orders.delete(id);
      return send(response, 200, apiMessage(200, String(id)));
    }
  }
  send(response, 404, apiMessage(404, `no route for ${method} ${url.pathname}`));
}

function parsePet(body: string): (Partial<Pet> & { name: string }) | undefined {
  const pet = parseObject(body);
  if (pet === undefined || typeof pet.name !== 'string') return undefined;
  if (pet.id !== undefined && !Number.isInteger(pet.id)) return undefined;
  return pet as Partial<Pet> & { name: string };
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function apiMessage(code: number, message: string): { code: number; type: string; message: string } {
  return { code, type: code === 200 ? 'unknown' : 'error', message };
}

function send(response: ServerResponse, status: number, value: unknown): void {
  sendText(response, status, 'application/json', JSON.stringify(value));
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
