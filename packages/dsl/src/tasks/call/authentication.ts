/**
 * The DSL's authentication policies ("Authentication" in the reference), turned into the
 * `Authorization` value of a call: inline or by name from `use.authentications` (`{ use: name }` or
 * the bare name), with their values evaluated (secrets such as `${ $secrets.token }` live there) and
 * secret-based forms (`basic: { use: secretName }`) read from `InterpreterOptions.secrets`.
 * Supported: `basic`, `bearer`, `oauth2` and `oidc` (client credentials and password grants; the
 * OpenID provider's token endpoint found by discovery). `digest` and `certificate` are configuration
 * faults that say what is supported.
 */
import { isRecord, type CallScope } from './call-context.js';
import { configurationFault } from './call-fault.js';
import { oauth2AccessToken } from './oauth2-token.js';
import { discoverTokenEndpoint } from './oidc-discovery.js';

const SCHEMES = ['basic', 'bearer', 'digest', 'oauth2', 'oidc', 'certificate'] as const;

/** The `Authorization` header value for `authentication` (a policy, a `{ use }` reference or a name), or undefined without one. */
export async function authorizationHeader(authentication: unknown, scope: CallScope): Promise<string | undefined> {
  if (authentication === undefined || authentication === null) return undefined;
  const policy = await scope.evaluate(namedPolicy(authentication, scope) ?? authentication);
  if (!isRecord(policy)) throw configurationFault(`the authentication policy is ${Array.isArray(policy) ? 'an array' : typeof policy}, not an object`, scope);
  const scheme = SCHEMES.find((name) => policy[name] !== undefined);
  switch (scheme) {
    case 'basic': {
      const { username, password } = credentials(policy.basic, ['username', 'password'], 'basic', scope);
      return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    }
    case 'bearer': {
      const { token } = credentials(policy.bearer, ['token'], 'bearer', scope);
      return `Bearer ${token}`;
    }
    case 'oauth2': {
      const settings = secretBased(policy.oauth2, 'oauth2', scope);
      return `Bearer ${await oauth2AccessToken(settings, scope)}`;
    }
    case 'oidc': {
      const settings = secretBased(policy.oidc, 'oidc', scope);
      return `Bearer ${await oauth2AccessToken(settings, scope, () => discoverTokenEndpoint(settings, scope))}`;
    }
    case 'digest':
    case 'certificate':
      throw configurationFault(`${scheme} authentication is not supported yet: basic, bearer, oauth2 and oidc (client_credentials, password) are`, scope);
    default:
      // Only the keys: the values may be credentials, and faults are journaled.
      throw configurationFault(
        `the authentication policy names no scheme (one of ${SCHEMES.join(', ')}); it has ${Object.keys(policy).join(', ') || 'no keys'}`,
        scope,
      );
  }
}

/** The named policy an `authentication` refers to (`'name'` or `{ use: 'name' }`), undefined for an inline policy. */
function namedPolicy(authentication: unknown, scope: CallScope): unknown {
  const name =
    typeof authentication === 'string' ? authentication : isRecord(authentication) && Object.keys(authentication).length === 1 ? authentication.use : undefined;
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw configurationFault(`the authentication reference ${JSON.stringify(authentication)} does not name a policy`, scope);
  const policies = isRecord(scope.use) && isRecord(scope.use.authentications) ? scope.use.authentications : {};
  const policy = policies[name];
  if (policy === undefined) {
    const known = Object.keys(policies);
    throw configurationFault(
      `no authentication policy named '${name}' in use.authentications (${known.length ? `declared: ${known.join(', ')}` : 'none declared'})`,
      scope,
    );
  }
  return policy;
}

/** A scheme's settings, inline or from the secret a secret-based form names (`{ use: secretName }`). */
function secretBased(settings: unknown, scheme: string, scope: CallScope): Record<string, unknown> {
  if (isRecord(settings) && typeof settings.use === 'string') {
    const secret = scope.options.secrets?.[settings.use];
    if (secret === undefined) throw configurationFault(`the ${scheme} authentication uses the secret '${settings.use}', which is not configured`, scope);
    if (scheme === 'bearer' && typeof secret === 'string') return { token: secret };
    if (!isRecord(secret)) throw configurationFault(`the secret '${settings.use}' used by the ${scheme} authentication is not an object`, scope);
    return secret;
  }
  if (!isRecord(settings)) throw configurationFault(`the ${scheme} authentication settings are not an object`, scope);
  return settings;
}

function credentials<K extends string>(settings: unknown, keys: readonly K[], scheme: string, scope: CallScope): Record<K, string> {
  const values = secretBased(settings, scheme, scope);
  const result = {} as Record<K, string>;
  for (const key of keys) {
    const value = values[key];
    if (typeof value !== 'string' && typeof value !== 'number') throw configurationFault(`the ${scheme} authentication has no ${key}`, scope);
    result[key] = String(value);
  }
  return result;
}
