/**
 * One deployed definition (/definitions/:name, /definitions/:name/versions/:version): its versions,
 * and the chosen one (the latest by default) drawn as a graph beside its source text, with links to
 * its runs and to the workflow page that starts one.
 */
import { lazy, Suspense } from 'react';
import { Link, useParams } from 'react-router-dom';
import { describeError } from '../api/errors';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatTime } from '../format';
import '../components/definition-graph.css';
import './console-pages.css';

// The graph and its layout library load only with a page that draws one.
const DefinitionGraphView = lazy(() => import('../components/definition-graph'));

export function DefinitionPage() {
  const { client } = useSession();
  const params = useParams();
  const name = params.name ?? '';
  const versions = useLoad(() => client.definitionVersions(name), [client, name]);
  const version = params.version ?? versions.value?.at(-1)?.version;
  const source = useLoad(async () => (version === undefined ? undefined : client.definitionVersion(name, version)), [client, name, version]);
  const graph = useLoad(async () => (version === undefined ? undefined : client.definitionGraph(name, version)), [client, name, version]);

  return (
    <section className="page definition-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/definitions">Definitions</Link> <span aria-hidden="true">/</span> {name}
      </nav>
      <div className="page-head">
        <h1>
          {name} {version === undefined ? null : <span className="muted small">v{version}</span>}
        </h1>
        <p className="hint">
          <Link to={`/workflows/${encodeURIComponent(name)}`}>Start a run</Link> · <Link to={`/runs?workflow=${encodeURIComponent(name)}`}>Its runs →</Link>
        </p>
      </div>
      {versions.error !== undefined && describeError(versions.error).code === 'BATON_DEFINITION_NOT_FOUND' ? (
        <EmptyState title={`No definition named “${name}” is deployed`}>
          <Link to="/definitions">See the deployed definitions</Link>
        </EmptyState>
      ) : versions.error !== undefined ? (
        <ErrorState error={versions.error} title={`The definition ${name} could not be loaded`} onRetry={versions.reload} />
      ) : versions.value === undefined ? (
        <Loading what="the definition" />
      ) : versions.value.length === 0 ? (
        <EmptyState title={`No definition named “${name}” is deployed`}>
          <Link to="/definitions">See the deployed definitions</Link>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table table-compact" aria-label="Versions">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Format</th>
                  <th>Deployed</th>
                  <th>By</th>
                  <th>Digest</th>
                </tr>
              </thead>
              <tbody>
                {versions.value.map((v) => (
                  <tr key={v.version} data-version={v.version} className={v.version === version ? 'selected' : undefined}>
                    <td className="mono">
                      <Link to={`/definitions/${encodeURIComponent(name)}/versions/${encodeURIComponent(v.version)}`}>{v.version}</Link>
                    </td>
                    <td>{v.format}</td>
                    <td title={v.createdAt}>{formatTime(v.createdAt)}</td>
                    <td>{v.createdBy}</td>
                    <td className="mono muted" title={v.digest}>
                      {v.digest.slice(0, 19)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="definition-split">
            <section className="card">
              <h2>Flow</h2>
              {graph.error !== undefined ? (
                <ErrorState error={graph.error} title="The graph could not be loaded" onRetry={graph.reload} />
              ) : graph.value === undefined ? (
                <Loading what="the graph" />
              ) : (
                <Suspense fallback={<Loading what="the graph" />}>
                  <DefinitionGraphView graph={graph.value} />
                </Suspense>
              )}
            </section>
            <section className="card">
              <h2>Source</h2>
              {source.error !== undefined ? (
                <ErrorState error={source.error} title="The source could not be loaded" onRetry={source.reload} />
              ) : source.value === undefined ? (
                <Loading what="the source" />
              ) : (
                <pre className="definition-source" aria-label={`Source (${source.value.format})`}>
                  {source.value.source}
                </pre>
              )}
            </section>
          </div>
        </>
      )}
    </section>
  );
}
