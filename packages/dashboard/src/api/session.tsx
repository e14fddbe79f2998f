/**
 * The signed-in key: kept in sessionStorage (gone when the tab closes), with the API client made
 * from it and who the server says it is. The role decides which actions the views offer; the server
 * checks every call anyway. When the server stops accepting the key (any call answered 401: revoked,
 * or unknown to it), the session ends and the login page says why; a 403 (a role too low for one
 * call) does not end it. A key that may act in several namespaces acts in the one chosen last (kept
 * in localStorage per key): every call of the client carries it, so every view shows that namespace.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient, type ApiIdentity, type Role } from '@baton/server/client';

const STORAGE_KEY = 'baton.apiKey';
const IDENTITY_KEY = 'baton.identity';
/** The namespace chosen for a key, by key id. */
const NAMESPACE_KEY = 'baton.namespace.';

export interface Identity {
  id: string;
  name: string;
  role: Role;
  /** The namespace the session acts in ('every namespace' on a server without auth). */
  namespace: string;
  /** The namespace the key was made for (its requests act there unless another is chosen). */
  keyNamespace?: string;
  /** Every namespace the key may act in, its own first; '*' stands for every namespace. */
  namespaces?: string[];
  /** False when the server could not say the role (no /api/me): it is then the least the key can do. */
  known: boolean;
}

export interface Session {
  client: ApiClient;
  identity: Identity;
}

interface SessionState {
  session: Session | undefined;
  /** Why the last session ended without the user signing out (the server refused its key), for the login page. */
  ended: string | undefined;
  signIn(key: string): Promise<void>;
  signOut(): void;
  /** Acts in `namespace` from now on (one the key may use), remembered for this key. */
  chooseNamespace(namespace: string): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export const KEY_REFUSED =
  'The server no longer accepts your API key (it was revoked, or is unknown to this server): you were signed out. Sign in with a valid key.';

/**
 * An API client for the key. `onRefused` hears of every answer 401 (the key is not accepted), from
 * any call, the live stream's included; the client still throws its error as usual.
 */
export function clientFor(key: string, onRefused: () => void, namespace?: string): ApiClient {
  const watched: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) onRefused();
    return response;
  };
  return new ApiClient({ url: window.location.origin, key, fetch: watched, ...(namespace === undefined ? {} : { namespace }) });
}

/** Whether the key may act in `namespace`, by the namespaces the server listed for it. */
export function mayActIn(identity: Identity, namespace: string): boolean {
  return (identity.namespaces ?? [identity.namespace]).some((name) => name === '*' || name === namespace);
}

/** The namespace chosen last for the key with this id, if any. */
function chosenNamespace(id: string): string | undefined {
  try {
    return localStorage.getItem(NAMESPACE_KEY + id) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The identity acting in the namespace chosen last for it, when it may still use it. */
function inChosenNamespace(identity: Identity): Identity {
  const chosen = chosenNamespace(identity.id);
  return chosen !== undefined && chosen !== identity.namespace && identity.keyNamespace !== undefined && mayActIn(identity, chosen)
    ? { ...identity, namespace: chosen }
    : identity;
}

/** The namespace header a client for `identity` sends: none when it acts in the key's own. */
function headerFor(identity: Identity): string | undefined {
  return identity.keyNamespace === undefined || identity.namespace === identity.keyNamespace ? undefined : identity.namespace;
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

/** Asks the server who the key is; refuses a key the server does not accept. */
export async function identify(client: ApiClient, key: string): Promise<Identity> {
  try {
    const me: ApiIdentity = await client.me();
    return {
      id: me.id,
      name: me.name ?? me.id,
      role: me.role,
      namespace: me.namespace ?? 'every namespace',
      ...(me.keyNamespace === undefined ? {} : { keyNamespace: me.keyNamespace }),
      ...(me.namespaces === undefined ? {} : { namespaces: me.namespaces }),
      known: true,
    };
  } catch (error) {
    if (codeOf(error) !== 'BATON_NOT_FOUND' && codeOf(error) !== 'HTTP_404') throw error;
  }
  // A server without /api/me: any read checks the key; only an admin may list keys.
  await client.list({ limit: 1 });
  const id = /^bk_([^_]+)_/.exec(key)?.[1] ?? 'key';
  try {
    const keys = await client.keys.list();
    const mine = keys.find((k) => k.id === id);
    return { id, name: mine?.name ?? id, role: 'admin', namespace: mine?.namespace ?? 'default', known: true };
  } catch {
    return { id, name: id, role: 'viewer', namespace: 'default', known: false };
  }
}

function restore(onRefused: (key: string) => void): Session | undefined {
  try {
    const key = sessionStorage.getItem(STORAGE_KEY);
    const identity = sessionStorage.getItem(IDENTITY_KEY);
    if (key === null || identity === null) return undefined;
    const restored = inChosenNamespace(JSON.parse(identity) as Identity);
    return { client: clientFor(key, () => onRefused(key), headerFor(restored)), identity: restored };
  } catch {
    return undefined;
  }
}

function forget(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(IDENTITY_KEY);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  // The clients made below report refusals here; it is set once the state it changes exists.
  const refused = useRef<(key: string) => void>(() => {});
  const [session, setSession] = useState<Session | undefined>(() => restore((key) => refused.current(key)));
  const [ended, setEnded] = useState<string | undefined>(undefined);
  refused.current = (key) => {
    // Only the signed-in key's refusal ends the session: not a key being tried on the login page,
    // nor a late answer to a key already signed out.
    if (sessionStorage.getItem(STORAGE_KEY) !== key) return;
    forget();
    setEnded(KEY_REFUSED);
    setSession(undefined);
  };

  const signIn = useCallback(async (key: string) => {
    const client = clientFor(key, () => refused.current(key));
    const found = await identify(client, key);
    sessionStorage.setItem(STORAGE_KEY, key);
    sessionStorage.setItem(IDENTITY_KEY, JSON.stringify(found));
    const identity = inChosenNamespace(found);
    setEnded(undefined);
    setSession({ client: identity === found ? client : clientFor(key, () => refused.current(key), headerFor(identity)), identity });
  }, []);

  const chooseNamespace = useCallback((namespace: string) => {
    const key = sessionStorage.getItem(STORAGE_KEY);
    setSession((current) => {
      if (current === undefined || key === null || !mayActIn(current.identity, namespace)) return current;
      try {
        localStorage.setItem(NAMESPACE_KEY + current.identity.id, namespace);
      } catch {
        // Storage refused (private mode): the choice holds until the page reloads.
      }
      const identity = { ...current.identity, namespace };
      return { client: clientFor(key, () => refused.current(key), headerFor(identity)), identity };
    });
  }, []);

  const signOut = useCallback(() => {
    forget();
    setEnded(undefined);
    setSession(undefined);
  }, []);

  const value = useMemo(() => ({ session, ended, signIn, signOut, chooseNamespace }), [session, ended, signIn, signOut, chooseNamespace]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (state === undefined) throw new Error('useSessionState needs a SessionProvider');
  return state;
}

/** The session of a signed-in view (the app routes to the login page without one). */
export function useSession(): Session {
  const { session } = useSessionState();
  if (session === undefined) throw new Error('useSession needs a signed-in key');
  return session;
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the signed-in key's role allows what `needed` may do. */
export function useCan(needed: Role): boolean {
  return RANK[useSession().identity.role] >= RANK[needed];
}
