/** A workflow's triggers as tags (the workflows list) or as a list with their details (a workflow's page). */
import { Link } from 'react-router-dom';
import type { ApiTriggers } from '@baton/server/client';

function matchText(match: Record<string, unknown> | undefined): string {
  return match === undefined
    ? ''
    : ` where ${Object.entries(match)
        .map(([path, value]) => `${path} = ${JSON.stringify(value)}`)
        .join(' and ')}`;
}

export function TriggerTags({ triggers }: { triggers: ApiTriggers }) {
  const none = triggers.events.length + triggers.webhooks.length + triggers.schedules.length === 0;
  if (none) return <span className="muted">—</span>;
  return (
    <span className="trigger-tags">
      {triggers.schedules.map((s) => (
        <Link key={`s:${s.id}`} to={`/schedules/${encodeURIComponent(s.id)}`} className="tag" data-trigger="schedule" title={`${s.cron} (${s.timezone})`}>
          ⏱ {s.id}
        </Link>
      ))}
      {triggers.events.map((t, i) => (
        <Link key={`e:${i}`} to={`/events?type=${encodeURIComponent(t.type)}`} className="tag" data-trigger="event" title={`on ${t.type}${matchText(t.match)}`}>
          ⚡ {t.type}
        </Link>
      ))}
      {triggers.webhooks.map((h) => (
        <code key={`h:${h.name}`} className="tag" data-trigger="webhook" title={`POST ${h.path}`}>
          ↪ {h.name}
        </code>
      ))}
    </span>
  );
}

export function TriggerList({ triggers }: { triggers: ApiTriggers }) {
  const none = triggers.events.length + triggers.webhooks.length + triggers.schedules.length === 0;
  if (none) return <p className="hint">Nothing starts its runs but a person or a program: no schedule, event trigger or webhook.</p>;
  return (
    <ul className="plain-list trigger-list" aria-label="Triggers">
      {triggers.schedules.map((s) => (
        <li key={`s:${s.id}`} data-trigger="schedule">
          Schedule <Link to={`/schedules/${encodeURIComponent(s.id)}`}>{s.id}</Link>: <code>{s.cron}</code> in {s.timezone}
          {s.paused ? <span className="tag tag-warn">paused</span> : null}
        </li>
      ))}
      {triggers.events.map((t, i) => (
        <li key={`e:${i}`} data-trigger="event">
          Event <Link to={`/events?type=${encodeURIComponent(t.type)}`}>{t.type}</Link>
          {matchText(t.match)}, with the {t.input === 'data' ? "event's data" : 'whole event'} as input
        </li>
      ))}
      {triggers.webhooks.map((h) => (
        <li key={`h:${h.name}`} data-trigger="webhook">
          Webhook <code>POST {h.path}</code> ({h.signed ? 'signed deliveries' : 'needs an operator key'})
        </li>
      ))}
    </ul>
  );
}
