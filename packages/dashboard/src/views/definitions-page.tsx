/**
 * The deployed definitions (/definitions): each declarative workflow by name, with its latest
 * version, how many versions it has, what triggers its runs and when it was last deployed; and the
 * way to the New workflow page, where one is planned from a description.
 */
import { Link } from 'react-router-dom';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';
import './console-pages.css';

export function DefinitionsPage() {
  const { client } = useSession();
  const definitions = useLoad(() => client.definitions(), [client]);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Definitions</h1>
        <Link className="button button-primary" to="/definitions/new">
          New workflow
        </Link>
      </div>
      {definitions.error !== undefined ? (
        <ErrorState error={definitions.error} title="The definitions could not be loaded" onRetry={definitions.reload} />
      ) : definitions.value === undefined ? (
        <Loading what="definitions" />
      ) : definitions.value.length === 0 ? (
        <EmptyState title="No definitions deployed">
          Deploy a Serverless Workflow file with <code>baton deploy flow.yaml</code> (or <code>POST /api/definitions</code>): it is listed here and drawn as a
          graph.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Definitions">
            <thead>
              <tr>
                <th>Name</th>
                <th>Latest version</th>
                <th className="num">Versions</th>
                <th>Description</th>
                <th>Triggers</th>
                <th>Deployed</th>
              </tr>
            </thead>
            <tbody>
              {definitions.value.map((d) => (
                <tr key={d.name} data-definition={d.name}>
                  <td>
                    <Link to={`/definitions/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                  </td>
                  <td className="mono">{d.latestVersion}</td>
                  <td className="num">{d.versions}</td>
                  <td>{d.description ?? <span className="muted">—</span>}</td>
                  <td>
                    {d.triggers.map((t) => (
                      <code key={t} className="tag">
                        {t}
                      </code>
                    ))}
                  </td>
                  <td title={d.updatedAt}>{formatTime(d.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
