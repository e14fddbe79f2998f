/**
 * How definitions run on the engines the CLI starts (InterpreterOptions): `--dsl-host host=url`
 * (repeatable) and $BATON_DSL_HOSTS (`host=url,host=url`; the flags win) send a host's HTTP calls
 * elsewhere; $BATON_DSL_SECRETS names the environment variables definitions read as `$secrets`;
 * `--allow-shell` and `--allow-script` enable the `run: shell` and `run: script` tasks.
 */
import type { InterpreterOptions } from '@baton/dsl';
import type { Io } from './command.js';
import { UsageError } from './errors.js';

export const dslFlags = {
  'dsl-host': { type: 'string', multiple: true },
  'allow-shell': { type: 'boolean' },
  'allow-script': { type: 'boolean' },
} as const;

export const DSL_HELP = `  --dsl-host HOST=URL   send a definition's HTTP calls for HOST to URL instead (repeatable;
                        default: $BATON_DSL_HOSTS, as HOST=URL,HOST=URL)
  --allow-shell         let definitions run shell commands on this host (run: shell)
  --allow-script        let definitions run scripts (run: script)
                        $BATON_DSL_SECRETS names the environment variables definitions read as $secrets`;

export interface DslFlagValues {
  'dsl-host'?: string[] | undefined;
  'allow-shell'?: boolean | undefined;
  'allow-script'?: boolean | undefined;
}

export function interpreterOptions(values: DslFlagValues, io: Io, command: string): InterpreterOptions {
  const hostAliases: Record<string, string> = {};
  const fromEnv = (io.env.BATON_DSL_HOSTS ?? '').split(',').filter((entry) => entry.trim().length > 0);
  for (const entry of fromEnv) addHost(hostAliases, entry, '$BATON_DSL_HOSTS', command);
  for (const entry of values['dsl-host'] ?? []) addHost(hostAliases, entry, '--dsl-host', command);
  const secrets: Record<string, unknown> = {};
  for (const name of (io.env.BATON_DSL_SECRETS ?? '').split(',').map((n) => n.trim())) {
    if (name.length === 0) continue;
    const value = io.env[name];
    if (value === undefined) throw new UsageError(`$BATON_DSL_SECRETS names ${name}, which is not set in the environment`, command);
    secrets[name] = value;
  }
  return {
    ...(Object.keys(hostAliases).length === 0 ? {} : { hostAliases }),
    ...(Object.keys(secrets).length === 0 ? {} : { secrets }),
    ...(values['allow-shell'] === true ? { allowShell: true } : {}),
    ...(values['allow-script'] === true ? { allowScript: true } : {}),
  };
}

function addHost(hostAliases: Record<string, string>, entry: string, source: string, command: string): void {
  const at = entry.indexOf('=');
  const host = entry.slice(0, at).trim();
  const url = entry.slice(at + 1).trim();
  if (at <= 0 || !/^https?:\/\/[^\s]+$/i.test(url))
    throw new UsageError(`${source} takes HOST=URL (e.g. petstore.swagger.io=http://127.0.0.1:8080), not '${entry}'`, command);
  hostAliases[host] = url;
}
