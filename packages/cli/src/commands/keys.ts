/** `baton keys create|list|revoke`: the API keys of the HTTP API (a key is shown once, when made). */
import { ROLES, type Role } from '@baton/core';
import { defineCommand } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';
import { UsageError } from '../errors.js';
import { dateTime, table, toJson } from '../output.js';

const CONNECTION = `${CONNECTION_HELP}
                        (over --url: an admin key, which manages the keys of its own namespace)`;

export const keysCreateCommand = defineCommand({
  name: 'keys create',
  summary: 'make an API key (shown once)',
  help: `Usage: baton keys create --name NAME --role viewer|operator|admin [--namespace NS] [--also NS]... [--db FILE | --url URL --key KEY]

Makes an API key for the HTTP API and prints it. Only a hash is stored: the key cannot be shown again.
Roles: viewer reads; operator also starts, signals, cancels, retries, resumes and emits events;
admin also manages schedules and keys.

Options:
  --name NAME           what the key is for (shown in lists and audit entries)
  --role ROLE           ${ROLES.join(', ')}
  --namespace NS        the key's namespace (default 'default'; over --url, the one the calling key acts in)
  --also NS             a further namespace the key may act in (repeat it, or give a comma list;
                        '*' for every namespace); requests choose one with the Baton-Namespace header
${CONNECTION}
  -h, --help            show this help`,
  options: {
    ...connectionOptions,
    name: { type: 'string' },
    role: { type: 'string' },
    namespace: { type: 'string' },
    also: { type: 'string', multiple: true },
  },
  async run({ values }, io) {
    const name = values.name;
    if (name === undefined) throw new UsageError('--name is required', 'keys create');
    if (!(ROLES as readonly string[]).includes(values.role ?? '')) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, 'keys create');
    const also = (values.also ?? []).flatMap((list) => list.split(',')).map((ns) => ns.trim());
    if (also.some((ns) => ns === '')) throw new UsageError('--also needs a namespace name (or * for every namespace)', 'keys create');
    return withBackend(values, io, 'keys create', { mustExist: false }, async (backend) => {
      const { token, key } = await backend.createKey({
        name,
        role: values.role as Role,
        ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
        ...(also.length === 0 ? {} : { namespaces: also }),
      });
      io.out(token);
      io.err(`key ${key.id} (${key.role}) made; it is shown only now`);
      return 0;
    });
  },
});

export const keysListCommand = defineCommand({
  name: 'keys list',
  summary: 'list API keys (never their secrets)',
  help: `Usage: baton keys list [--json] [--db FILE | --url URL --key KEY]

Lists the API keys: id, name, role, namespace, the further namespaces it may act in, when made and
when revoked.

Options:
  --json                print a JSON array of keys instead of a table
${CONNECTION}
  -h, --help            show this help`,
  options: { ...connectionOptions, json: { type: 'boolean' } },
  async run({ values }, io) {
    return withBackend(values, io, 'keys list', { mustExist: true }, async (backend) => {
      const keys = await backend.listKeys();
      if (values.json === true) {
        io.out(toJson(keys));
        return 0;
      }
      io.out(
        table(
          ['ID', 'NAME', 'ROLE', 'NAMESPACE', 'ALSO', 'CREATED', 'REVOKED'],
          keys.map((k) => [
            k.id,
            k.name,
            k.role,
            k.namespace,
            (k.namespaces ?? []).join(','),
            dateTime(new Date(k.createdAt)),
            k.revokedAt === undefined ? '' : dateTime(new Date(k.revokedAt)),
          ]),
        ),
      );
      return 0;
    });
  },
});

export const keysRevokeCommand = defineCommand({
  name: 'keys revoke',
  summary: 'revoke an API key',
  help: `Usage: baton keys revoke ID [--db FILE | --url URL --key KEY]

Revokes the key with this id: requests with it are refused from now on. A key may revoke itself.
An id that no active key has fails with BATON_KEY_NOT_FOUND.

Options:
${CONNECTION}
  -h, --help            show this help`,
  args: ['ID'],
  options: { ...connectionOptions },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withBackend(values, io, 'keys revoke', { mustExist: true }, async (backend) => {
      await backend.revokeKey(id);
      io.out(`key ${id} revoked`);
      return 0;
    });
  },
});
