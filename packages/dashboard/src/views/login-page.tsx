/**
 * Sign in by pasting an API key; the server says who the key is before anything is shown. After the
 * server refused the signed-in key (revoked), it says so above the form.
 */
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useSessionState } from '../api/session';
import { describeError } from '../api/errors';

export function LoginPage() {
  const { session, ended, signIn } = useSessionState();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const next = params.get('next')?.startsWith('/') === true ? params.get('next')! : '/runs';

  if (session !== undefined && !busy) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key.trim());
      void navigate(next, { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const problem = error === undefined ? undefined : describeError(error);

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>
          <img src="/favicon.svg" alt="" width="28" height="28" /> Baton
        </h1>
        {ended === undefined ? null : (
          <div className="login-notice" role="status">
            {ended}
          </div>
        )}
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="bk_…"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
        />
        <p className="hint">
          Paste the key <code>npm start</code> printed, or make one with <code>baton keys create --name you --role operator</code>. It is kept in this tab only,
          until you sign out or close it.
        </p>
        {problem === undefined ? null : (
          <div className="form-error" role="alert">
            {problem.code === undefined ? null : <code className="error-code">{problem.code}</code>} {problem.message}
          </div>
        )}
        <button type="submit" className="button button-primary" disabled={busy || key.trim().length === 0}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
