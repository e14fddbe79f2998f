/** The app: the signed-in layout (navigation, who is signed in) and the routes of every view. */
import { BrowserRouter, Link, Navigate, NavLink, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { SessionProvider, useSessionState } from './api/session';
import { LoginPage } from './views/login-page';
import { RunsPage } from './views/runs-page';
import { RunPage } from './views/run-page';
import { OverviewPage } from './views/overview-page';
import { InboxPage } from './views/inbox-page';
import { WorkflowPage, WorkflowsPage } from './views/workflows-page';
import { SchedulesPage } from './views/schedules-page';
import { SchedulePage } from './views/schedule-page';
import { EventsPage } from './views/events-page';
import { AuditPage } from './views/audit-page';
import { KeysPage } from './views/keys-page';
import { EmptyState } from './components/states';

const NAVIGATION = [
  { to: '/overview', label: 'Overview' },
  { to: '/runs', label: 'Runs' },
  { to: '/inbox', label: 'Inbox' },
  { to: '/workflows', label: 'Workflows' },
  { to: '/schedules', label: 'Schedules' },
  { to: '/events', label: 'Events' },
  { to: '/audit', label: 'Audit', adminOnly: true },
  { to: '/keys', label: 'Keys', adminOnly: true },
] as const;

function SignedIn() {
  const { session, signOut } = useSessionState();
  const location = useLocation();
  if (session === undefined) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const { identity } = session;
  return (
    <div className="layout">
      <header className="topbar">
        <Link className="brand" to="/runs">
          <img src="/favicon.svg" alt="" width="22" height="22" /> Baton
        </Link>
        <nav className="nav" aria-label="Main">
          {NAVIGATION.filter((item) => !('adminOnly' in item) || identity.role === 'admin').map((item) => (
            <NavLink key={item.to} to={item.to} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="who" data-role={identity.role}>
          <span className="who-name">{identity.name}</span>
          <span className="who-role" title={identity.known ? undefined : 'The server did not say this key’s role: actions are hidden.'}>
            {identity.role}
            {identity.known ? '' : '?'}
          </span>
          <span className="who-namespace">{identity.namespace}</span>
          <button type="button" className="button button-small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<SignedIn />}>
            <Route index element={<Navigate to="/runs" replace />} />
            <Route path="/runs" element={<RunsPage />} />
            <Route path="/runs/:id" element={<RunPage />} />
            <Route path="/overview" element={<OverviewPage />} />
            <Route path="/inbox" element={<InboxPage />} />
            <Route path="/workflows" element={<WorkflowsPage />} />
            <Route path="/workflows/:name" element={<WorkflowPage />} />
            <Route path="/schedules" element={<SchedulesPage />} />
            <Route path="/schedules/:id" element={<SchedulePage />} />
            <Route path="/events" element={<EventsPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/keys" element={<KeysPage />} />
            <Route
              path="*"
              element={
                <EmptyState title="No such page">
                  <Link to="/runs">Go to the runs</Link>
                </EmptyState>
              }
            />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
