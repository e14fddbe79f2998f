/**
 * OAuth2 access tokens for `oauth2` (and `oidc`) authentication policies: the client credentials and password
 * grants against `authority` + `endpoints.token` (default `/oauth2/token`), with the client
 * authenticated by `client_secret_post` (default), `client_secret_basic`, `private_key_jwt` (with
 * `client.assertion`) or `none`. A token is cached until it expires (less a margin), per interpreter
 * options and per policy, so the runs of one interpreter share it; a token without `expires_in` is not
 * cached. A token endpoint that refuses (400/401/403) is the authentication fault.
 */
import type { InterpreterOptions } from '../../runtime/interpreter-options.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { readContent } from './http-content.js';
import { describeCause, sendHttp } from './http-exchange.js';

const SUPPORTED_GRANTS = ['client_credentials', 'password'];
/** A token is renewed this long before it expires, so it does not expire in flight. */
const EXPIRY_MARGIN_MS = 30_000;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

interface TokenCache {
  tokens: Map<string, CachedToken>;
  /** Token requests in flight, so concurrent calls with one policy share one request. */
  pending: Map<string, Promise<string>>;
}

/** Per interpreter options (instances, not a process-wide table): policy key → token. */
const tokenCaches = new WeakMap<InterpreterOptions, TokenCache>();

/** A valid access token for the (evaluated) oauth2 settings, from the cache or the token endpoint. */
export async function oauth2AccessToken(
  settings: Record<string, unknown>,
  scope: CallScope,
  /** Where to ask for the token when the settings do not say it directly (OpenID Connect discovery). */
  findTokenEndpoint?: () => Promise<URL>,
): Promise<string> {
  const key = JSON.stringify([findTokenEndpoint ? 'oidc' : 'oauth2', settings]);
  let cache = tokenCaches.get(scope.options);
  if (cache === undefined) {
    cache = { tokens: new Map(), pending: new Map() };
    tokenCaches.set(scope.options, cache);
  }
  const cached = cache.tokens.get(key);
  if (cached !== undefined && cached.expiresAt > Date.now()) return cached.accessToken;
  const inFlight = cache.pending.get(key);
  if (inFlight !== undefined) {
    // Shared with the call that started it; if that call was aborted, this one asks on its own.
    const token = await inFlight.catch(() => undefined);
    if (token !== undefined) return token;
  }
  const { tokens, pending } = cache;
  const issuedAt = Date.now();
  const request = requestToken(settings, scope, findTokenEndpoint)
    .then(({ accessToken, expiresIn }) => {
      if (expiresIn !== undefined) tokens.set(key, { accessToken, expiresAt: issuedAt + Math.max(0, expiresIn * 1000 - EXPIRY_MARGIN_MS) });
      else tokens.delete(key);
      return accessToken;
    })
    .finally(() => {
      if (pending.get(key) === request) pending.delete(key);
    });
  pending.set(key, request);
  return request;
}

async function requestToken(
  settings: Record<string, unknown>,
  scope: CallScope,
  findTokenEndpoint: (() => Promise<URL>) | undefined,
): Promise<{ accessToken: string; expiresIn?: number }> {
  const grant = settings.grant;
  if (typeof grant !== 'string' || !SUPPORTED_GRANTS.includes(grant)) {
    throw fault('configuration', `the oauth2 grant ${JSON.stringify(grant)} is not supported yet: ${SUPPORTED_GRANTS.join(' and ')} are`, scope);
  }
  const url = findTokenEndpoint ? await findTokenEndpoint() : tokenEndpoint(settings, scope);
  const parameters: Record<string, string> = { grant_type: grant };
  if (grant === 'password') Object.assign(parameters, { username: text(settings.username), password: text(settings.password) });
  const scopes = list(settings.scopes);
  if (scopes.length) parameters.scope = scopes.join(' ');
  const audiences = list(settings.audiences);
  if (audiences.length) parameters.audience = audiences.join(' ');
  const headers: Record<string, string> = { accept: 'application/json' };
  const client = isRecord(settings.client) ? settings.client : {};
  const method = typeof client.authentication === 'string' ? client.authentication : 'client_secret_post';
  const id = text(client.id);
  const secret = text(client.secret);
  switch (method) {
    case 'client_secret_post':
      Object.assign(parameters, { client_id: id, client_secret: secret });
      break;
    case 'client_secret_basic':
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
      break;
    case 'private_key_jwt':
      if (!client.assertion) throw fault('configuration', 'the oauth2 client authentication private_key_jwt needs client.assertion', scope);
      Object.assign(parameters, {
        client_id: id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: text(client.assertion),
      });
      break;
    case 'none':
      parameters.client_id = id;
      break;
    default:
      throw fault(
        'configuration',
        `the oauth2 client authentication '${method}' is not supported yet: client_secret_post, client_secret_basic, private_key_jwt and none are`,
        scope,
      );
  }
  const encoding =
    isRecord(settings.request) && typeof settings.request.encoding === 'string' ? settings.request.encoding : 'application/x-www-form-urlencoded';
  headers['content-type'] = encoding;
  const body = encoding === 'application/json' ? JSON.stringify(parameters) : new URLSearchParams(parameters).toString();

  const response = await sendHttp({ method: 'post', url, headers, body }, false, scope);
  let answer: unknown;
  try {
    answer = readContent(new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type'));
  } catch (error) {
    if (scope.signal.aborted) throw scope.signal.reason;
    throw fault('communication', `reading the oauth2 token response of ${url.href} failed: ${describeCause(error)}`, scope);
  }
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    throw fault(
      'authentication',
      `the oauth2 token endpoint ${url.href} refused the ${grant} grant (HTTP ${response.status}): ${JSON.stringify(answer)}`,
      scope,
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw fault('communication', `the oauth2 token endpoint ${url.href} answered HTTP ${response.status}: ${JSON.stringify(answer)}`, scope, response.status);
  }
  if (!isRecord(answer) || typeof answer.access_token !== 'string') {
    throw fault('authentication', `the oauth2 token endpoint ${url.href} answered without an access_token`, scope);
  }
  const expiresIn = Number(answer.expires_in);
  return { accessToken: answer.access_token, ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn } : {}) };
}

/** `endpoints.token` as an absolute URL, or a path relative to `authority`. */
function tokenEndpoint(settings: Record<string, unknown>, scope: CallScope): URL {
  const authority = text(settings.authority);
  const path = isRecord(settings.endpoints) && typeof settings.endpoints.token === 'string' ? settings.endpoints.token : '/oauth2/token';
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return new URL(path);
    return new URL(authority.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
  } catch {
    throw fault('configuration', `the oauth2 authority '${authority}' and token endpoint '${path}' do not make a URL`, scope);
  }
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(text) : typeof value === 'string' ? [value] : [];
}

function fault(kind: 'configuration' | 'authentication' | 'communication', detail: string, scope: CallScope, status?: number) {
  return standardFault(kind, detail, { instance: scope.instance, ...(status === undefined ? {} : { status }) });
}
