/**
 * A run's progress (`ctx.setProgress(value)`) as fields to read, not JSON: an object's keys as
 * labels with their values, nested objects indented under their key, lists of plain values joined
 * with commas, plain values as they are. `ProgressView` is the full form (the run header, the
 * inbox); `ProgressLine` one line for a table cell (`stage: review · items.done: 3`), cut to the
 * cell's width with the whole value on hover and, clicked, laid out in full under it.
 */
import { useState } from 'react';
import { readable } from '../format';
import './progress-view.css';

/** How deep objects nest before the rest shows as compact JSON. */
const MAX_DEPTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPlain(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** A plain value as text: strings as they are (no quotes), the rest as JSON says it. */
function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value) ?? String(value);
}

function FieldValue({ value, depth }: { value: unknown; depth: number }) {
  if (isPlain(value)) return <span className="progress-value">{plainText(value)}</span>;
  if (Array.isArray(value) && value.every(isPlain)) {
    return <span className="progress-value">{value.length === 0 ? '(none)' : value.map(plainText).join(', ')}</span>;
  }
  if (depth >= MAX_DEPTH) return <code className="progress-value">{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    return (
      <ol className="progress-list">
        {value.map((item, i) => (
          <li key={i}>
            <FieldValue value={item} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  return <Fields value={value as Record<string, unknown>} depth={depth + 1} />;
}

function Fields({ value, depth }: { value: Record<string, unknown>; depth: number }) {
  const entries = Object.entries(value);
  if (entries.length === 0) return <span className="progress-value muted">(empty)</span>;
  return (
    <dl className={depth === 0 ? 'progress-fields' : 'progress-fields progress-nested'}>
      {entries.map(([key, v]) => (
        <div key={key} className="progress-field" data-key={key}>
          <dt>{key}</dt>
          <dd>
            <FieldValue value={v} depth={depth} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The progress in full: labelled fields, nested where the value nests. */
export function ProgressView({ value }: { value: unknown }) {
  const shown = readable(value);
  return (
    <div className="progress-view" aria-label="Progress">
      {isRecord(shown) ? <Fields value={shown} depth={0} /> : <FieldValue value={shown} depth={0} />}
    </div>
  );
}

/** `key: value` pairs of a value, nested keys joined with dots (`items.done`), for one line. */
export function progressPairs(value: unknown, prefix = '', depth = 0): [string, string][] {
  if (!isRecord(value)) {
    const text = isPlain(value) ? plainText(value) : Array.isArray(value) && value.every(isPlain) ? value.map(plainText).join(', ') : JSON.stringify(value);
    return [[prefix, text]];
  }
  const entries = Object.entries(value);
  if (entries.length === 0 || depth >= MAX_DEPTH) return [[prefix, JSON.stringify(value)]];
  return entries.flatMap(([key, v]) => progressPairs(v, prefix === '' ? key : `${prefix}.${key}`, depth + 1));
}

/** The progress on one line, the whole of it on hover, laid out in full once clicked. */
export function ProgressLine({ value }: { value: unknown }) {
  const [open, setOpen] = useState(false);
  const pairs = progressPairs(readable(value));
  const line = pairs.map(([key, text]) => (key === '' ? text : `${key}: ${text}`)).join(' · ');
  const whole = pairs.map(([key, text]) => (key === '' ? text : `${key}: ${text}`)).join('\n');
  return (
    <div className="progress-line">
      <button type="button" className="progress-line-text" title={whole} aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {line}
      </button>
      {open ? <ProgressView value={value} /> : null}
    </div>
  );
}
