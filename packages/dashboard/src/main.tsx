/** The dashboard's entry: the app in #root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
// The stylesheets, in cascade order: later files may override earlier ones.
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/login.css';
import './styles/runs.css';
import './styles/run.css';
import './styles/run-journal.css';
import './styles/run-cards.css';
import './styles/blobs.css';
import './styles/dialog.css';
import './styles/narrow-screens.css';
import './styles/forms.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
