/**
 * OpenID Connect discovery for `oidc` authentication policies: the token endpoint is read from the
 * provider's configuration document, `authority` itself when it is the `.well-known/openid-configuration`
 * URL, else `<authority>/.well-known/openid-configuration`. Then the token is got like `oauth2`'s.
 */
import { standardFault } from '../../runtime/workflow-fault.js';
import { configurationFault } from './call-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { exchangeHttp } from './http-exchange.js';

const WELL_KNOWN = '/.well-known/openid-configuration';

export async function discoverTokenEndpoint(settings: Record<string, unknown>, scope: CallScope): Promise<URL> {
  const authority = typeof settings.authority === 'string' ? settings.authority : '';
  let configurationUrl: URL;
  try {
    configurationUrl = new URL(authority.includes(WELL_KNOWN) ? authority : authority.replace(/\/+$/, '') + WELL_KNOWN);
  } catch {
    throw configurationFault(`the oidc authority '${authority}' is not a URL`, scope);
  }
  const configuration = await exchangeHttp(
    { method: 'get', url: configurationUrl, headers: { accept: 'application/json' } },
    { output: 'content', redirect: true },
    scope,
  );
  const tokenEndpoint = isRecord(configuration) ? configuration.token_endpoint : undefined;
  if (typeof tokenEndpoint !== 'string') {
    throw standardFault('communication', `the OpenID configuration ${configurationUrl.href} names no token_endpoint`, { instance: scope.instance });
  }
  try {
    return new URL(tokenEndpoint, configurationUrl);
  } catch {
    throw standardFault('communication', `the OpenID configuration ${configurationUrl.href} names an invalid token_endpoint '${tokenEndpoint}'`, {
      instance: scope.instance,
    });
  }
}
