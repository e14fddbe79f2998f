/** `call: http` against real loopback servers: requests, URI templates, output modes, redirects, faults, abort. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandardError } from '../src/runtime/workflow-fault.js';
import { call, faultOf } from './support/call-harness.js';
import type { HttpResponseObject } from '../src/tasks/call/http-exchange.js';
import { startHttpBin, type Echo, type HttpBin } from './support/http-bin.js';
import { startPetStore, type PetStore } from './support/pet-store.js';

let bin: HttpBin;
let store: PetStore;
beforeAll(async () => {
  [bin, store] = await Promise.all([startHttpBin(), startPetStore()]);
});
afterAll(async () => {
  await Promise.all([bin.close(), store.close()]);
});

const http = (args: Record<string, unknown>, input?: unknown, reference?: string) =>
  call({ call: 'http', with: args, input, ...(reference ? { reference } : {}) }, { options: { hostAliases: { ...bin.hostAliases, ...store.hostAliases } } });

describe('call: http requests', () => {
  it.each(['get', 'post', 'put', 'patch', 'delete'])('sends %s with headers and query', async (method) => {
    const echo = (await http({ method, endpoint: `${bin.url}/anything/x`, headers: { 'x-trace': 'abc' }, query: { a: '1', b: 2 } })) as Echo;
    expect(echo.method).toBe(method.toUpperCase());
    expect(echo.path).toBe('/anything/x');
    expect(echo.args).toEqual({ a: '1', b: '2' });
    expect(echo.headers['x-trace']).toBe('abc');
  });

  it('repeats array query parameters and sends no body for null', async () => {
    const echo = (await http({ method: 'post', endpoint: `${bin.url}/anything?x=0`, query: { tag: ['a', 'b'], skip: null }, body: null })) as Echo;
    expect(echo.args).toEqual({ x: '0', tag: 'a,b' });
    expect(bin.requests.at(-1)?.url).toBe('/anything?x=0&tag=a&tag=b');
    expect(echo.data).toBe('');
  });

  it('sends bodies as JSON by default and as the explicit content-type says', async () => {
    const json = (await http({ method: 'post', endpoint: `${bin.url}/anything`, body: { name: 'Rex', tags: [1] } })) as Echo;
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.json).toEqual({ name: 'Rex', tags: [1] });
    const text = (await http({ method: 'post', endpoint: `${bin.url}/anything`, headers: { 'Content-Type': 'text/plain' }, body: 'hello' })) as Echo;
    expect(text.data).toBe('hello');
    expect(text.headers['content-type']).toBe('text/plain');
    const form = (await http({
      method: 'post',
      endpoint: `${bin.url}/anything`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { name: 'Rex', status: 'sold' },
    })) as Echo;
    expect(form.data).toBe('name=Rex&status=sold');
  });

  it('expands URI templates from the task input, in endpoint strings and objects', async () => {
    const pet = await http({ method: 'get', endpoint: 'https://petstore.swagger.io/v2/pet/{petId}' }, { petId: 2 });
    expect(pet).toMatchObject({ id: 2, name: 'Misty' });
    const found = (await http(
      { method: 'get', endpoint: { uri: 'https://petstore.swagger.io/v2/pet/findByStatus?status={status}' } },
      { status: 'available' },
    )) as unknown[];
    expect(found.map((entry) => (entry as { name: string }).name)).toEqual(['Rex', 'Tom']);
    const echo = (await http({ method: 'get', endpoint: `${bin.url}/anything/{missing}/{name}` }, { name: 'a b/c' })) as Echo;
    expect(echo.path).toBe('/anything//a%20b%2Fc');
    const fault = await faultOf(http({ method: 'get', endpoint: `${bin.url}/anything/{pet}` }, { pet: { id: 1 } }));
    expect(fault).toMatchObject({ type: StandardError.expression.type, status: 400, instance: '/do/0/task' });
  });

  it('sends requests for aliased hosts to the alias, keeping path and query', async () => {
    const before = store.requests.length;
    await http({ method: 'get', endpoint: 'https://petstore.swagger.io/v2/pet/findByStatus?status=sold' });
    expect(store.requests.slice(before).map((request) => request.url)).toEqual(['/v2/pet/findByStatus?status=sold']);
  });
});

describe('call: http output', () => {
  it('content: JSON when the response says JSON, text when text, base64 when binary', async () => {
    expect(await http({ method: 'get', endpoint: 'https://petstore.swagger.io/v2/pet/1' })).toMatchObject({ id: 1, name: 'Rex' });
    expect(await http({ method: 'get', endpoint: `${bin.url}/text` })).toBe('plain text');
    expect(await http({ method: 'get', endpoint: `${bin.url}/bytes` })).toBe(Buffer.from([0, 1, 2, 250, 255]).toString('base64'));
  });

  it('response: request, status code, headers and content, without credentials', async () => {
    const response = (await http(
      {
        method: 'get',
        endpoint: { uri: 'https://petstore.swagger.io/v2/pet/{petId}', authentication: { bearer: { token: 'secret-token' } } },
        headers: { 'x-request': 'yes' },
        output: 'response',
      },
      { petId: 1 },
    )) as HttpResponseObject;
    expect(response.request).toEqual({ method: 'get', uri: 'https://petstore.swagger.io/v2/pet/1', headers: { 'x-request': 'yes' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.content).toMatchObject({ id: 1, name: 'Rex', status: 'available' });
    expect(JSON.stringify(response)).not.toContain('secret-token');
  });

  it('raw: the body base64-encoded', async () => {
    const raw = await http({ method: 'get', endpoint: 'https://petstore.swagger.io/v2/pet/1', output: 'raw' });
    expect(JSON.parse(Buffer.from(raw as string, 'base64').toString('utf8'))).toMatchObject({ id: 1 });
  });
});

describe('call: http redirects and faults', () => {
  const redirect = () => `${bin.url}/redirect-to?url=${encodeURIComponent(`${bin.url}/anything/target`)}&status_code=302`;

  it('does not follow redirects by default and faults on the 3xx', async () => {
    const before = bin.requests.filter((request) => request.url.startsWith('/anything/target')).length;
    const fault = await faultOf(http({ method: 'get', endpoint: redirect() }, undefined, '/do/2/go'));
    expect(fault).toMatchObject({ type: StandardError.communication.type, status: 302, instance: '/do/2/go' });
    expect(fault.detail).toContain('redirect: true');
    expect(bin.requests.filter((request) => request.url.startsWith('/anything/target')).length).toBe(before);
  });

  it('follows redirects to aliased hosts through the alias, a 303 after a POST as a GET', async () => {
    const target = encodeURIComponent('https://httpbin.org/anything/aliased');
    const echo = (await http({
      method: 'post',
      endpoint: `https://httpbin.org/redirect-to?url=${target}&status_code=303`,
      body: { a: 1 },
      redirect: true,
    })) as Echo;
    expect(echo).toMatchObject({ method: 'GET', path: '/anything/aliased', data: '' });
    const kept = (await http({
      method: 'put',
      endpoint: `https://httpbin.org/redirect-to?url=${target}&status_code=307`,
      body: { a: 1 },
      redirect: true,
    })) as Echo;
    expect(kept).toMatchObject({ method: 'PUT', path: '/anything/aliased', json: { a: 1 } });
  });

  it('follows redirects with redirect: true', async () => {
    const echo = (await http({ method: 'get', endpoint: redirect(), redirect: true })) as Echo;
    expect(echo.path).toBe('/anything/target');
  });

  it('accepts a 3xx it cannot follow with redirect: true, and faults on 4xx/5xx either way', async () => {
    expect(await http({ method: 'get', endpoint: `${bin.url}/status/304`, redirect: true, output: 'response' })).toMatchObject({ statusCode: 304 });
    expect(await faultOf(http({ method: 'get', endpoint: `${bin.url}/status/503`, redirect: true }))).toMatchObject({
      type: StandardError.communication.type,
      status: 503,
    });
  });

  it('maps statuses to the DSL errors: 404 communication, 401 authentication, 403 authorization', async () => {
    const missing = await faultOf(http({ method: 'get', endpoint: 'https://petstore.swagger.io/v2/pet/999' }, undefined, '/do/1/getPet'));
    expect(missing).toMatchObject({ type: StandardError.communication.type, status: 404, instance: '/do/1/getPet' });
    expect(missing.detail).toContain('Pet not found');
    expect(await faultOf(http({ method: 'get', endpoint: `${bin.url}/status/401` }))).toMatchObject({ type: StandardError.authentication.type, status: 401 });
    expect(await faultOf(http({ method: 'get', endpoint: `${bin.url}/status/403` }))).toMatchObject({ type: StandardError.authorization.type, status: 403 });
    expect(await faultOf(http({ method: 'get', endpoint: `${bin.url}/status/500` }))).toMatchObject({ type: StandardError.communication.type, status: 500 });
  });

  it('turns a refused connection into a communication fault', async () => {
    const closed = await startHttpBin();
    await closed.close();
    const fault = await faultOf(http({ method: 'get', endpoint: `${closed.url}/anything` }));
    expect(fault).toMatchObject({ type: StandardError.communication.type, status: 500 });
    expect(fault.detail).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('faults on bad arguments with configuration errors', async () => {
    expect(await faultOf(http({ method: 'get', endpoint: 'not a uri' }))).toMatchObject({ type: StandardError.configuration.type });
    expect(await faultOf(http({ endpoint: `${bin.url}/anything` }))).toMatchObject({ type: StandardError.configuration.type });
    expect(await faultOf(http({ method: 'get', endpoint: `${bin.url}/anything`, output: 'xml' }))).toMatchObject({ type: StandardError.configuration.type });
  });

  it('stops when its signal aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const pending = call({ call: 'http', with: { method: 'get', endpoint: `${bin.url}/hang` } }, { signal: controller.signal });
    await bin.received('/hang');
    const reason = new Error('task timed out');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await bin.hangClosed();
  });
});

describe('unforeseen failures', () => {
  it('are raised as the runtime error of the task', async () => {
    const broken = (() => Promise.resolve({ status: 200, arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)) })) as unknown as typeof fetch;
    const fault = await faultOf(call({ call: 'http', with: { method: 'get', endpoint: `${bin.url}/anything` } }, { options: { fetch: broken } }));
    expect(fault).toMatchObject({ type: StandardError.runtime.type, status: 500, instance: '/do/0/task' });
    expect(fault.detail).toContain('call: http failed unexpectedly');
  });
});

describe('other calls', () => {
  it.each(['asyncapi'])('call: %s is a configuration fault naming the task', async (kind) => {
    const fault = await faultOf(call({ call: kind, with: {}, reference: '/do/3/publish' }));
    expect(fault).toMatchObject({ type: StandardError.configuration.type, status: 400, instance: '/do/3/publish' });
    expect(fault.detail).toContain(`call: ${kind} (task /do/3/publish) is not supported yet`);
  });

  it('call: a2a as a declared function is a configuration fault (it runs as a task of its own)', async () => {
    const fault = await faultOf(call({ call: 'a2a', with: {}, reference: '/do/3/publish' }));
    expect(fault).toMatchObject({ type: StandardError.configuration.type, status: 400, instance: '/do/3/publish' });
    expect(fault.detail).toContain('call: a2a (task /do/3/publish) runs only as a task of its own');
  });

  it('an unknown function is a configuration fault', async () => {
    const fault = await faultOf(call({ call: 'sendEmail', with: {} }));
    expect(fault.detail).toContain('use.functions');
  });
});
