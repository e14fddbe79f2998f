/**
 * The app: the signed-in layout (navigation, who is signed in) and the routes of every view. Each
 * view is its own chunk, loaded when its route is first shown (`lazy` below), so the first page
 * loads only its own code, the layout's and the shared libraries'.
 */
import { lazy, Suspense } from 'react';
import { BrowserRouter, Link, Navigate, NavLink, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { SessionProvider, useSessionState } from './api/session';
import { NamespaceSwitcher } from './components/namespace-switcher';
import { EmptyState, Loading } from './components/states';

// The runs list is the page most loads open on: its chunk is fetched at once, alongside the app's
// start, rather than once the app has rendered its route.
const runsPage = import('./views/runs-page');

const LoginPage = lazy(() => import('./views/login-page').then((m) => ({ default: m.LoginPage })));
const RunsPage = lazy(() => runsPage.then((m) => ({ default: m.RunsPage })));
const RunPage = lazy(() => import('./views/run-page').then((m) => ({ default: m.RunPage })));
const OverviewPage = lazy(() => import('./views/overview-page').then((m) => ({ default: m.OverviewPage })));
const InboxPage = lazy(() => import('./views/inbox-page').then((m) => ({ default: m.InboxPage })));
const WorkflowsPage = lazy(() => import('./views/workflows-page').then((m) => ({ default: m.WorkflowsPage })));
const WorkflowPage = lazy(() => import('./views/workflows-page').then((m) => ({ default: m.WorkflowPage })));
const DefinitionsPage = lazy(() => import('./views/definitions-page').then((m) => ({ default: m.DefinitionsPage })));
const NewWorkflowPage = lazy(() => import('./views/new-workflow-page').then((m) => ({ default: m.NewWorkflowPage })));
const DefinitionPage = lazy(() => import('./views/definition-page').then((m) => ({ default: m.DefinitionPage })));
const SchedulesPage = lazy(() => import('./views/schedules-page').then((m) => ({ default: m.SchedulesPage })));
const SchedulePage = lazy(() => import('./views/schedule-page').then((m) => ({ default: m.SchedulePage })));
const EventsPage = lazy(() => import('./views/events-page').then((m) => ({ default: m.EventsPage })));
const CostsPage = lazy(() => import('./views/costs-page').then((m) => ({ default: m.CostsPage })));
const AuditPage = lazy(() => import('./views/audit-page').then((m) => ({ default: m.AuditPage })));
const ReviewsPage = lazy(() => import('./views/reviews-page').then((m) => ({ default: m.ReviewsPage })));
const AlertsPage = lazy(() => import('./views/alerts-page').then((m) => ({ default: m.AlertsPage })));
const KeysPage = lazy(() => import('./views/keys-page').then((m) => ({ default: m.KeysPage })));

const NAVIGATION = [
  { to: '/overview', label: 'Overview' },
  { to: '/runs', label: 'Runs' },
  { to: '/inbox', label: 'Inbox' },
  { to: '/reviews', label: 'Failed runs' },
  { to: '/workflows', label: 'Workflows' },
  { to: '/definitions', label: 'Definitions' },
  { to: '/schedules', label: 'Schedules' },
  { to: '/events', label: 'Events' },
  { to: '/costs', label: 'Costs' },
  { to: '/audit', label: 'Audit', adminOnly: true },
  { to: '/alerts', label: 'Alerts', adminOnly: true },
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
          <NamespaceSwitcher identity={identity} />
          <button type="button" className="button button-small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      {/* A namespace switch remounts the page, so whatever it loaded is loaded again in the new namespace. */}
      <main className="content" key={identity.namespace}>
        <Suspense fallback={<Loading what="the page" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route
            path="/login"
            element={
              <Suspense fallback={<Loading what="the page" />}>
                <LoginPage />
              </Suspense>
            }
          />
          <Route element={<SignedIn />}>
            <Route index element={<Navigate to="/runs" replace />} />
            <Route path="/runs" element={<RunsPage />} />
            <Route path="/runs/:id" element={<RunPage />} />
            <Route path="/overview" element={<OverviewPage />} />
            <Route path="/inbox" element={<InboxPage />} />
            <Route path="/reviews" element={<ReviewsPage />} />
            <Route path="/workflows" element={<WorkflowsPage />} />
            <Route path="/workflows/:name" element={<WorkflowPage />} />
            <Route path="/definitions" element={<DefinitionsPage />} />
            <Route path="/definitions/new" element={<NewWorkflowPage />} />
            <Route path="/definitions/:name" element={<DefinitionPage />} />
            <Route path="/definitions/:name/versions/:version" element={<DefinitionPage />} />
            <Route path="/schedules" element={<SchedulesPage />} />
            <Route path="/schedules/:id" element={<SchedulePage />} />
            <Route path="/events" element={<EventsPage />} />
            <Route path="/costs" element={<CostsPage />} />
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/alerts" element={<AlertsPage />} />
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
