/**
 * Costs: runs and model spend per namespace, workflow or tag over a period, per day or month, for
 * chargeback (GET /api/costs). The period and grouping live in the address, so a view can be shared;
 * "Download CSV" saves the same rows as the API's CSV. A viewer sees its namespace; an admin every one.
 */
import { useSearchParams } from 'react-router-dom';
import type { ApiCostQuery } from '@baton/server/client';
import { useSession } from '../api/session';
import { useLoad } from '../api/use-load';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { formatCallsCost, plural } from '../format';
import './console-pages.css';

const GROUPS = ['workflow', 'namespace', 'tag'] as const;
const INTERVALS = ['day', 'month'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first of this month and tomorrow (UTC), as YYYY-MM-DD: the API's default period. */
function defaultPeriod(now: Date): { from: string; to: string } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

function pick<T extends string>(value: string | null, options: readonly T[]): T {
  return options.find((o) => o === value) ?? options[0]!;
}

export function CostsPage() {
  const { client } = useSession();
  const [params, setParams] = useSearchParams();
  const defaults = defaultPeriod(new Date());
  const query: Required<Omit<ApiCostQuery, 'namespace'>> = {
    from: DATE.test(params.get('from') ?? '') ? params.get('from')! : defaults.from,
    to: DATE.test(params.get('to') ?? '') ? params.get('to')! : defaults.to,
    groupBy: pick(params.get('groupBy'), GROUPS),
    interval: pick(params.get('interval'), INTERVALS),
  };
  const report = useLoad(() => client.costs(query), [client, JSON.stringify(query)]);
  const change = (field: keyof typeof query, value: string) => {
    const next = new URLSearchParams(params);
    next.set(field, value);
    setParams(next);
  };
  const download = async () => {
    const csv = await client.costsCsv(query);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `baton-costs-${query.from}-${query.to}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <section className="page">
      <h1>Costs</h1>
      <form className="filters" role="search" aria-label="Choose the period" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>From</span>
          <input type="date" name="from" value={query.from} onChange={(e) => DATE.test(e.target.value) && change('from', e.target.value)} />
        </label>
        <label className="field">
          <span>Until (not included)</span>
          <input type="date" name="to" value={query.to} onChange={(e) => DATE.test(e.target.value) && change('to', e.target.value)} />
        </label>
        <label className="field">
          <span>Group by</span>
          <select name="groupBy" value={query.groupBy} onChange={(e) => change('groupBy', e.target.value)}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Rows per</span>
          <select name="interval" value={query.interval} onChange={(e) => change('interval', e.target.value)}>
            {INTERVALS.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-actions">
          <button type="button" className="button" onClick={() => void download()}>
            Download CSV
          </button>
        </div>
      </form>
      {report.error !== undefined && report.value === undefined ? (
        <ErrorState error={report.error} title="The costs could not be loaded" onRetry={report.reload} />
      ) : report.value === undefined ? (
        <Loading what="the costs" />
      ) : report.value.rows.length === 0 ? (
        <EmptyState title="No runs in this period">Runs created in the period, and what their model calls cost, show here.</EmptyState>
      ) : (
        <>
          <p className="muted">
            {plural(report.value.totals.runs, 'run')}, {plural(report.value.totals.llmCalls, 'model call')},{' '}
            <strong data-total-cost>{formatCallsCost(report.value.totals.costUsd, report.value.totals.unpricedCalls, report.value.totals.llmCalls)}</strong>
            {query.groupBy === 'tag' ? ' (a run with several tags counts under each)' : ''}
          </p>
          <div className="table-wrap">
            <table className="table" aria-label="Costs">
              <thead>
                <tr>
                  <th>{query.interval === 'day' ? 'Day' : 'Month'}</th>
                  <th>Namespace</th>
                  {query.groupBy === 'namespace' ? null : <th>{query.groupBy === 'tag' ? 'Tag' : 'Workflow'}</th>}
                  <th className="num">Runs</th>
                  <th className="num">Model calls</th>
                  <th className="num">Tokens in / out</th>
                  <th className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {report.value.rows.map((row) => (
                  <tr key={`${row.period}|${row.namespace}|${row.key}`} data-cost-row={`${row.period}|${row.namespace}|${row.key}`}>
                    <td className="mono">{row.period}</td>
                    <td>{row.namespace}</td>
                    {query.groupBy === 'namespace' ? null : <td className="mono">{row.key}</td>}
                    <td className="num">{row.runs.toLocaleString('en')}</td>
                    <td className="num">{row.llmCalls.toLocaleString('en')}</td>
                    <td className="num">
                      {row.inputTokens.toLocaleString('en')} / {row.outputTokens.toLocaleString('en')}
                    </td>
                    <td className="num">{formatCallsCost(row.costUsd, row.unpricedCalls, row.llmCalls)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
