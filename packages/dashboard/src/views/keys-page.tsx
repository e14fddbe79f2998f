/**
 * API keys (admins): the keys of the signed-in key's namespace, revoked ones too; making one (its
 * token is shown once, in the dialog that made it: only a hash is kept) and revoking one, each
 * after a confirmation. Revoking the signed-in key ends the session.
 */
import { useState, type FormEvent } from 'react';
import type { ApiKeyInfo, Role } from '@baton/server/client';
import { useCan, useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';
import './console-pages.css';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

export function KeysPage() {
  const admin = useCan('admin');
  return (
    <section className="page">
      <h1>API keys</h1>
      {admin ? <Keys /> : <EmptyState title="API keys are for admins">Sign in with an admin key to list, make or revoke keys.</EmptyState>}
    </section>
  );
}

function Keys() {
  const { client, identity } = useSession();
  const keys = useLoad(() => client.keys.list(), [client]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [creating, setCreating] = useState(false);
  const [made, setMade] = useState<{ key: ApiKeyInfo; token: string } | undefined>(undefined);
  const [revoking, setRevoking] = useState<ApiKeyInfo | undefined>(undefined);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (name.trim() !== '') setCreating(true);
  };

  return (
    <>
      <form className="card create-form" onSubmit={submit} aria-label="New API key">
        <label className="field">
          <span>Name</span>
          <input name="key-name" required maxLength={100} placeholder="what the key is for" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-primary">
          Create key
        </button>
        <p className="hint">
          A viewer reads; an operator also starts, signals, cancels and retries runs and emits events; an admin also manages schedules and keys. The key belongs
          to namespace <strong>{identity.namespace}</strong>.
        </p>
      </form>
      {keys.error !== undefined && keys.value === undefined ? (
        <ErrorState error={keys.error} title="The keys could not be loaded" onRetry={keys.reload} />
      ) : keys.value === undefined ? (
        <Loading what="keys" />
      ) : keys.value.length === 0 ? (
        <EmptyState title="No keys" />
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="API keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Role</th>
                <th>Namespace</th>
                <th>Created</th>
                <th>State</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {keys.value.map((key) => (
                <tr key={key.id} data-key-id={key.id}>
                  <td>
                    {key.name}
                    {key.id === identity.id ? <span className="muted small"> (you)</span> : null}
                  </td>
                  <td className="mono">{key.id}</td>
                  <td>{key.role}</td>
                  <td>{key.namespace}</td>
                  <td title={key.createdAt}>{formatTime(key.createdAt)}</td>
                  <td className="key-state">
                    {key.revokedAt === undefined ? (
                      <span className="tag">active</span>
                    ) : (
                      <span className="tag tag-warn" title={key.revokedAt}>
                        revoked {formatTime(key.revokedAt)}
                      </span>
                    )}
                  </td>
                  <td>
                    {key.revokedAt === undefined ? (
                      <button type="button" className="button button-small" onClick={() => setRevoking(key)}>
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating ? (
        <ConfirmDialog
          title={`Create a ${role} key “${name.trim()}”?`}
          confirmLabel="Create key"
          onClose={() => setCreating(false)}
          onConfirm={async () => {
            setMade(await client.keys.create({ name: name.trim(), role }));
            setName('');
            keys.reload();
          }}
        >
          <p>Its token is shown once, right after it is made: copy it then. Only a hash is kept.</p>
        </ConfirmDialog>
      ) : null}
      {made === undefined ? null : (
        <div className="dialog-backdrop">
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="token-title">
            <h2 id="token-title">Key “{made.key.name}” made</h2>
            <div className="dialog-body">
              <p>
                Copy its token now: it is <strong>not shown again</strong>, and cannot be recovered (revoke the key and make another if it is lost).
              </p>
              <code className="token-once mono" aria-label="New key token">
                {made.token}
              </code>
            </div>
            <div className="dialog-actions">
              <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(made.token).catch(() => undefined)}>
                Copy
              </button>
              <button type="button" className="button button-primary" onClick={() => setMade(undefined)}>
                Done
              </button>
            </div>
          </div>
        </div>
      )}
      {revoking === undefined ? null : (
        <ConfirmDialog
          title={`Revoke key “${revoking.name}”?`}
          confirmLabel="Revoke"
          danger
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await client.keys.revoke(revoking.id);
            keys.reload();
          }}
        >
          <p>
            Requests with key <code>{revoking.id}</code> ({revoking.role}) are refused from now on. This cannot be undone.
            {revoking.id === identity.id ? ' This is the key you are signed in with: you will be signed out.' : ''}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
