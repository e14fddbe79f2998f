/**
 * `InterpreterOptions.hostAliases`: a request to an aliased host goes to the alias base URL instead,
 * keeping its path and query (the alias base URL's own path, if any, is put in front).
 */
export function applyHostAlias(url: URL, hostAliases: Readonly<Record<string, string>> | undefined): URL {
  const alias = hostAliases?.[url.host] ?? hostAliases?.[url.hostname];
  if (alias === undefined) return url;
  const base = new URL(alias);
  const target = new URL(base.href);
  target.pathname = base.pathname.replace(/\/$/, '') + url.pathname;
  target.search = url.search;
  target.hash = url.hash;
  return target;
}
