/** `baton keys create|list|revoke`: the API keys of the HTTP API (a key is shown once, when made). */
import { ROLES, newApiKey, type Role } from '@baton/core';
import { commonOptions, databasePath, defineCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { dateTime, table, toJson } from '../output.js';
import { withStore } from '../store.js';

export const keysCreateCommand = defineCommand({
  name: 'keys create',
  summary: 'make an API key (shown once)',
  help: `Usage: baton keys create --name NAME --role viewer|operator|admin [--namespace NS] [--db FILE]

Makes an API key for the HTTP API and prints it. Only a hash is stored: the key cannot be shown again.
Roles: viewer reads; operator also starts, signals, cancels, retries, resumes and emits events;
admin also manages schedules and keys.

Options:
  --name NAME           what the key is for (shown in lists and audit entries)
  --role ROLE           ${ROLES.join(', ')}
  --namespace NS        the key's namespace (default 'default')
  --db FILE             database file or postgres:// URL (default: $BATON_DB, else .baton/baton.db)
  -h, --help            show this help`,
  options: { ...commonOptions, name: { type: 'string' }, role: { type: 'string' }, namespace: { type: 'string' } },
  async run({ values }, io) {
    if (values.name === undefined) throw new UsageError('--name is required', 'keys create');
    if (!(ROLES as readonly string[]).includes(values.role ?? '')) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`, 'keys create');
    return withStore(databasePath(values.db, io), { mustExist: false }, async (store) => {
      const { token, record } = newApiKey(
        { name: values.name!, role: values.role as Role, ...(values.namespace === undefined ? {} : { namespace: values.namespace }) },
        Date.now(),
      );
      await store.createApiKey(record);
      io.out(token);
      io.err(`key ${record.id} (${record.role}) made; it is shown only now`);
      return 0;
    });
  },
});

export const keysListCommand = defineCommand({
  name: 'keys list',
  summary: 'list API keys (never their secrets)',
  help: `Usage: baton keys list [--json] [--db FILE]

Lists the API keys: id, name, role, namespace, when made and when revoked.`,
  options: { ...commonOptions, json: { type: 'boolean' } },
  async run({ values }, io) {
    return withStore(databasePath(values.db, io), { mustExist: true }, async (store) => {
      const keys = (await store.listApiKeys()).map(({ hash: _hash, ...key }) => key);
      if (values.json === true) {
        io.out(toJson(keys));
        return 0;
      }
      io.out(
        table(
          ['ID', 'NAME', 'ROLE', 'NAMESPACE', 'CREATED', 'REVOKED'],
          keys.map((k) => [
            k.id,
            k.name,
            k.role,
            k.namespace,
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
  help: `Usage: baton keys revoke ID [--db FILE]

Revokes the key with this id: requests with it are refused from now on.`,
  args: ['ID'],
  options: { ...commonOptions },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withStore(databasePath(values.db, io), { mustExist: true }, async (store) => {
      if (!(await store.revokeApiKey(id, Date.now()))) {
        io.err(`no active key has id '${id}'`);
        return 1;
      }
      io.out(`key ${id} revoked`);
      return 0;
    });
  },
});
