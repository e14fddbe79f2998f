/** The loopback pet store answers the calls definitions written against the public pet-store API make. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandardError } from '../src/runtime/workflow-fault.js';
import { call, faultOf } from './support/call-harness.js';
import { startPetStore, type PetStore } from './support/pet-store.js';

let store: PetStore;
beforeAll(async () => {
  store = await startPetStore();
});
afterAll(async () => {
  await store.close();
});

const petStore = (method: string, path: string, body?: unknown) =>
  call(
    { call: 'http', with: { method, endpoint: `https://petstore.swagger.io/v2${path}`, ...(body === undefined ? {} : { body }) } },
    { options: { hostAliases: store.hostAliases } },
  );

describe('loopback pet store', () => {
  it('adds, updates, finds and deletes pets', async () => {
    const added = (await petStore('post', '/pet', { name: 'Kiwi', photoUrls: [], status: 'available' })) as { id: number };
    expect(added.id).toBe(5);
    expect(await petStore('put', '/pet', { id: 5, name: 'Kiwi', photoUrls: [], status: 'sold' })).toMatchObject({ id: 5, status: 'sold' });
    expect(((await petStore('get', '/pet/findByStatus?status=sold')) as { id: number }[]).map((pet) => pet.id)).toEqual([3, 5]);
    expect(await petStore('delete', '/pet/5')).toEqual({ code: 200, type: 'unknown', message: '5' });
    expect(await faultOf(petStore('get', '/pet/5'))).toMatchObject({ type: StandardError.communication.type, status: 404 });
    expect(await faultOf(petStore('put', '/pet', { id: 99, name: 'Ghost', photoUrls: [] }))).toMatchObject({ status: 404 });
    expect(await faultOf(petStore('post', '/pet', { photoUrls: [] }))).toMatchObject({ status: 405 });
    expect(await faultOf(petStore('get', '/pet/findByStatus?status=lost'))).toMatchObject({ status: 400 });
    expect(await faultOf(petStore('get', '/pet/abc'))).toMatchObject({ status: 400 });
  });

  it('places, reads and deletes orders, and counts the inventory', async () => {
    expect(await petStore('get', '/store/inventory')).toEqual({ available: 2, pending: 1, sold: 1 });
    const order = (await petStore('post', '/store/order', { petId: 1, quantity: 2 })) as { id: number };
    expect(order).toMatchObject({ id: 1, petId: 1, quantity: 2, status: 'placed', complete: false });
    expect(await petStore('get', '/store/order/1')).toMatchObject({ id: 1, petId: 1 });
    expect(await petStore('delete', '/store/order/1')).toMatchObject({ code: 200 });
    expect(await faultOf(petStore('get', '/store/order/1'))).toMatchObject({ status: 404 });
  });

  it('serves its Swagger document as JSON and YAML', async () => {
    expect(await petStore('get', '/swagger.json')).toMatchObject({ swagger: '2.0', host: 'petstore.swagger.io', basePath: '/v2' });
    expect(await petStore('get', '/swagger.yaml')).toContain('swagger: "2.0"');
  });
});
