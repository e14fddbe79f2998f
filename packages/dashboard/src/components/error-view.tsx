/** A run's or a step's error: code, name and message, then each cause it wraps. */
export interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
}

function asError(value: unknown): ErrorLike | undefined {
  return value !== null && typeof value === 'object' ? (value as ErrorLike) : undefined;
}

export function ErrorView({ error }: { error: unknown }) {
  const chain: ErrorLike[] = [];
  for (let e = asError(error); e !== undefined && chain.length < 10; e = asError(e.cause)) chain.push(e);
  if (chain.length === 0) return null;
  return (
    <div className="error-view">
      {chain.map((e, i) => (
        <div key={i} className="error-link">
          {i > 0 ? <span className="error-caused">caused by</span> : null}
          {e.code === undefined ? null : <code className="error-code">{e.code}</code>}
          {e.name === undefined || e.name === 'Error' || e.name === 'BatonError' ? null : <span className="error-name">{e.name}</span>}
          <span className="error-message">{e.message ?? '(no message)'}</span>
        </div>
      ))}
    </div>
  );
}
