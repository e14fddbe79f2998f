/**
 * The header's namespace switcher, for a key that may act in several namespaces: a list of them, or
 * for a key of every namespace a field to name one. Choosing one makes every view show that namespace.
 */
import { useState, type FormEvent } from 'react';
import { useSessionState, type Identity } from '../api/session';

export function NamespaceSwitcher({ identity }: { identity: Identity }) {
  const { chooseNamespace } = useSessionState();
  const namespaces = identity.namespaces ?? [];
  const everywhere = namespaces.includes('*');
  const listed = [...new Set([...namespaces.filter((name) => name !== '*'), identity.namespace])];
  const [typed, setTyped] = useState('');
  if (!everywhere && listed.length < 2) return <span className="who-namespace">{identity.namespace}</span>;

  if (everywhere) {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      const name = typed.trim();
      if (name !== '') chooseNamespace(name);
      setTyped('');
    };
    return (
      <form className="namespace-switcher" onSubmit={submit} aria-label="Namespace">
        <input
          className="namespace-input"
          aria-label="Namespace"
          list="namespace-choices"
          placeholder={identity.namespace}
          value={typed}
          maxLength={100}
          onChange={(event) => setTyped(event.target.value)}
        />
        <datalist id="namespace-choices">
          {listed.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <button type="submit" className="button button-small" disabled={typed.trim() === ''}>
          Switch
        </button>
      </form>
    );
  }

  return (
    <select className="namespace-switcher" aria-label="Namespace" value={identity.namespace} onChange={(event) => chooseNamespace(event.target.value)}>
      {listed.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}
