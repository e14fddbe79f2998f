/** Authentication policies of `call` tasks against real loopback servers: basic, bearer, OAuth2 client credentials, and the unsupported ones. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InterpreterOptions } from '../src/runtime/interpreter-options.js';
import { StandardError } from '../src/runtime/workflow-fault.js';
import type { WorkflowDocument } from '../src/definition/definition.js';
import { call, faultOf } from './support/call-harness.js';
import { startHttpBin, type HttpBin } from './support/http-bin.js';
import { startOAuth2Server, type OAuth2Server } from './support/oauth2-server.js';

let bin: HttpBin;
let auth: OAuth2Server;
let shortLived: OAuth2Server;
beforeAll(async () => {
  [bin, auth, shortLived] = await Promise.all([
    startHttpBin(),
    startOAuth2Server({ id: 'workflow-runtime', secret: 's3cret', expiresIn: 3600 }),
    startOAuth2Server({ id: 'workflow-runtime', secret: 's3cret', expiresIn: 1 }),
  ]);
});
afterAll(async () => {
  await Promise.all([bin.close(), auth.close(), shortLived.close()]);
});

const get = (uri: string, authentication: unknown, setup: { options?: InterpreterOptions; use?: WorkflowDocument['use']; input?: unknown } = {}) =>
  call(
    { call: 'http', with: { method: 'get', endpoint: { uri, authentication } }, input: setup.input, reference: '/do/0/secured' },
    { options: setup.options ?? { hostAliases: bin.hostAliases }, use: setup.use },
  );

describe('basic and bearer', () => {
  it('sends basic credentials evaluated from the task input (the CTK scenario)', async () => {
    const answer = await get(
      'https://httpbin.org/basic-auth/{username}/{password}',
      { basic: { username: '${ .username }', password: '${ .password }' } },
      { input: { username: 'serverless-workflow', password: 'conformance-test' } },
    );
    expect(answer).toEqual({ authenticated: true, user: 'serverless-workflow' });
  });

  it('uses named policies from use.authentications, by { use } and by name, and secret-based ones', async () => {
    const use = {
      authentications: { admin: { basic: { username: 'admin', password: '${ $secrets.adminPassword }' } }, fromSecret: { basic: { use: 'adminCredentials' } } },
    };
    const options = { secrets: { adminPassword: 'pa55', adminCredentials: { username: 'admin', password: 'pa55' } } };
    const uri = `${bin.url}/basic-auth/admin/pa55`;
    expect(await get(uri, { use: 'admin' }, { use, options })).toEqual({ authenticated: true, user: 'admin' });
    expect(await get(uri, 'admin', { use, options })).toEqual({ authenticated: true, user: 'admin' });
    expect(await get(uri, { use: 'fromSecret' }, { use, options })).toEqual({ authenticated: true, user: 'admin' });
  });

  it('sends bearer tokens, from secrets too', async () => {
    expect(await get(`${bin.url}/bearer`, { bearer: { token: '${ $secrets.token }' } }, { options: { secrets: { token: 'abc' } } })).toEqual({
      authenticated: true,
      token: 'abc',
    });
    expect(await get(`${bin.url}/bearer`, { bearer: { use: 'token' } }, { options: { secrets: { token: 'xyz' } } })).toEqual({
      authenticated: true,
      token: 'xyz',
    });
  });

  it('a refused credential is the authentication fault', async () => {
    const fault = await faultOf(get(`${bin.url}/basic-auth/admin/pa55`, { basic: { username: 'admin', password: 'wrong' } }));
    expect(fault).toMatchObject({ type: StandardError.authentication.type, status: 401, instance: '/do/0/secured' });
  });

  it('an unknown policy name or a missing secret is a configuration fault', async () => {
    const unknown = await faultOf(get(`${bin.url}/bearer`, { use: 'nope' }, { use: { authentications: { other: { bearer: { token: 'x' } } } } }));
    expect(unknown).toMatchObject({ type: StandardError.configuration.type, status: 400 });
    expect(unknown.detail).toContain("no authentication policy named 'nope'");
    expect(unknown.detail).toContain('declared: other');
    const missing = await faultOf(get(`${bin.url}/bearer`, { bearer: { use: 'absent' } }));
    expect(missing.detail).toContain("secret 'absent'");
  });

  it('digest and certificate say what is supported', async () => {
    for (const policy of [{ digest: { username: 'a', password: 'b' } }, { certificate: {} }]) {
      const fault = await faultOf(get(`${bin.url}/bearer`, policy));
      expect(fault).toMatchObject({ type: StandardError.configuration.type, instance: '/do/0/secured' });
      expect(fault.detail).toMatch(/not supported yet/);
    }
  });
});

describe('oauth2 client credentials', () => {
  const policy = (overrides: Record<string, unknown> = {}) => ({
    oauth2: {
      authority: 'https://auth.example.com',
      grant: 'client_credentials',
      client: { id: 'workflow-runtime', secret: '${ $secrets.clientSecret }' },
      scopes: ['api', 'read'],
      audiences: ['runtime'],
      ...overrides,
    },
  });

  it('gets a token from the (aliased) token endpoint, sends it, and caches it until it expires', async () => {
    const options: InterpreterOptions = { hostAliases: { 'auth.example.com': auth.url }, secrets: { clientSecret: 's3cret' } };
    const before = auth.tokenRequests.length;
    expect(await get(`${auth.url}/resource`, policy(), { options })).toEqual({ token: auth.issued.at(-1) });
    expect(await get(`${auth.url}/resource`, policy(), { options })).toEqual({ token: auth.issued.at(-1) });
    const requests = auth.tokenRequests.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual({
      parameters: { grant_type: 'client_credentials', scope: 'api read', audience: 'runtime', client_id: 'workflow-runtime' },
      clientAuthentication: 'post',
    });
    // Another policy (other scopes) is another token; other interpreter options have their own cache.
    await get(`${auth.url}/resource`, policy({ scopes: ['write'] }), { options });
    await get(`${auth.url}/resource`, policy(), { options: { ...options } });
    expect(auth.tokenRequests.length - before).toBe(3);
  });

  it('shares one token request between concurrent calls', async () => {
    const options: InterpreterOptions = { secrets: { clientSecret: 's3cret' } };
    const before = auth.tokenRequests.length;
    const answers = await Promise.all([1, 2, 3].map(() => get(`${auth.url}/resource`, policy({ authority: auth.url }), { options })));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(auth.tokenRequests.length - before).toBe(1);
  });

  it('authenticates the client with client_secret_basic and an explicit token endpoint', async () => {
    const options: InterpreterOptions = { secrets: { clientSecret: 's3cret' } };
    const before = auth.tokenRequests.length;
    const answer = await get(
      `${auth.url}/resource`,
      policy({
        authority: `${auth.url}/realms/x`,
        endpoints: { token: `${auth.url}/oauth2/token` },
        client: { id: 'workflow-runtime', secret: 's3cret', authentication: 'client_secret_basic' },
      }),
      { options },
    );
    expect(answer).toEqual({ token: auth.issued.at(-1) });
    expect(auth.tokenRequests.slice(before)).toEqual([
      { parameters: { grant_type: 'client_credentials', scope: 'api read', audience: 'runtime' }, clientAuthentication: 'basic' },
    ]);
  });

  it('renews a token that expires before it could be used safely', async () => {
    const options: InterpreterOptions = { secrets: { clientSecret: 's3cret' } };
    await get(`${shortLived.url}/resource`, policy({ authority: shortLived.url }), { options });
    await get(`${shortLived.url}/resource`, policy({ authority: shortLived.url }), { options });
    expect(shortLived.tokenRequests).toHaveLength(2);
  });

  it('a token endpoint that refuses the client is the authentication fault', async () => {
    const fault = await faultOf(get(`${auth.url}/resource`, policy({ authority: auth.url }), { options: { secrets: { clientSecret: 'wrong' } } }));
    expect(fault).toMatchObject({ type: StandardError.authentication.type, status: 401, instance: '/do/0/secured' });
    expect(fault.detail).toContain('invalid_client');
  });

  it('oidc finds the token endpoint by discovery, from the issuer or the configuration URL', async () => {
    const options: InterpreterOptions = { hostAliases: { 'id.example.com': auth.url }, secrets: { clientSecret: 's3cret' } };
    const oidc = (authority: string) => ({ oidc: { ...policy().oauth2, authority } });
    const before = auth.tokenRequests.length;
    expect(await get(`${auth.url}/resource`, oidc('https://id.example.com'), { options })).toEqual({ token: auth.issued.at(-1) });
    expect(await get(`${auth.url}/resource`, oidc('https://id.example.com'), { options })).toEqual({ token: auth.issued.at(-1) });
    expect(await get(`${auth.url}/resource`, oidc(`${auth.url}/.well-known/openid-configuration`), { options })).toEqual({ token: auth.issued.at(-1) });
    expect(auth.tokenRequests.length - before).toBe(2);
    const refused = await faultOf(get(`${auth.url}/resource`, oidc(auth.url), { options: { secrets: { clientSecret: 'bad' } } }));
    expect(refused).toMatchObject({ type: StandardError.authentication.type, status: 401 });
  });

  it('other grants and client authentications are configuration faults', async () => {
    const grant = await faultOf(
      get(`${auth.url}/resource`, policy({ authority: auth.url, grant: 'authorization_code' }), { options: { secrets: { clientSecret: 's3cret' } } }),
    );
    expect(grant).toMatchObject({ type: StandardError.configuration.type });
    expect(grant.detail).toContain('client_credentials and password are');
    const method = await faultOf(
      get(`${auth.url}/resource`, policy({ authority: auth.url, client: { id: 'a', secret: 'b', authentication: 'client_secret_jwt' } })),
    );
    expect(method.detail).toContain("'client_secret_jwt' is not supported yet");
  });
});
