/**
 * A payload in a table cell: one line of compact JSON cut to the cell's width, the whole value on
 * hover, and, clicked, pretty-printed in full under it (clicked again, one line again).
 */
import { useState } from 'react';
import { readable, toJsonText } from '../format';
import { JsonView } from './json-view';
import './progress-view.css';

export function CompactValue({ value, label }: { value: unknown; label: string }) {
  const [open, setOpen] = useState(false);
  const shown = readable(value);
  const line = shown === undefined ? 'undefined' : typeof shown === 'string' ? JSON.stringify(shown) : (JSON.stringify(shown) ?? String(shown));
  return (
    <div className="compact-value">
      <button
        type="button"
        className="progress-line-text mono"
        title={toJsonText(value)}
        aria-expanded={open}
        aria-label={`${label}: ${line}`}
        onClick={() => setOpen((o) => !o)}
      >
        {line}
      </button>
      {open ? <JsonView value={value} label={label} /> : null}
    </div>
  );
}
