/**
 * A loopback OAuth2 authorization server and protected resource: POST /oauth2/token issues tokens for
 * the client credentials grant to its one client (client_secret_post or client_secret_basic) and
 * refuses anything else (401 invalid_client, 400 unsupported_grant_type); its OpenID configuration is
 * at /.well-known/openid-configuration; GET /resource answers 200
 * only with a token it issued. It counts token requests, so tests can see the token cache work.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './pet-store.js';

export interface OAuth2Server {
  readonly url: string;
  /** Each token request's form parameters (the client secret left out) and how the client authenticated. */
  readonly tokenRequests: { parameters: Record<string, string>; clientAuthentication: 'basic' | 'post' | 'none' }[];
  readonly issued: string[];
  close(): Promise<void>;
}

export async function startOAuth2Server(client: { id: string; secret: string; expiresIn?: number }): Promise<OAuth2Server> {
  const tokenRequests: OAuth2Server['tokenRequests'] = [];
  const issued: string[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const json = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      const url = new URL(request.url ?? '/', 'http://oauth2');
      if (url.pathname === '/oauth2/token' && request.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(body));
        let id = form.client_id;
        let secret = form.client_secret;
        let clientAuthentication: 'basic' | 'post' | 'none' = secret === undefined ? 'none' : 'post';
        const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '');
        if (basic) {
          const [user, password] = Buffer.from(basic[1] ?? '', 'base64')
            .toString('utf8')
            .split(':');
          id = decodeURIComponent(user ?? '');
          secret = decodeURIComponent(password ?? '');
          clientAuthentication = 'basic';
        }
        const { client_secret: _secret, ...parameters } = form;
        tokenRequests.push({ parameters, clientAuthentication });
        if (id !== client.id || secret !== client.secret) return json(401, { error: 'invalid_client' });
        if (form.grant_type !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
        const token = `token-${issued.length + 1}`;
        issued.push(token);
        return json(200, { access_token: token, token_type: 'Bearer', ...(client.expiresIn === undefined ? {} : { expires_in: client.expiresIn }) });
      }
      if (url.pathname === '/.well-known/openid-configuration') {
        const issuer = `http://${request.headers.host ?? ''}`;
        return json(200, { issuer, token_endpoint: `${issuer}/oauth2/token` });
      }
      if (url.pathname === '/resource') {
        const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (token === undefined || !issued.includes(token)) return json(401, { error: 'invalid_token' });
        return json(200, { token });
      }
      json(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests,
    issued,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
