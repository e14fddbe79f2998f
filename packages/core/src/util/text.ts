/**
 * The one rule for text Baton stores as text: ids, names, tags, filters, cron patterns, reasons and
 * every other string that becomes a column or a query parameter. Such a string may not hold NUL
 * (U+0000), which PostgreSQL's text cannot hold and SQLite's full-text search cuts short, nor a lone
 * UTF-16 surrogate, which UTF-8 has no encoding for (a store would keep U+FFFD in its place). Both
 * stores refuse the same strings, so a value accepted on SQLite is accepted on PostgreSQL too.
 *
 * Payloads (run inputs and outputs, signal and event data, schedule inputs) are not text in this
 * sense: they are stored as JSON, where both characters are escaped, and round-trip exactly.
 */
import { BatonError, ErrorCode } from '../errors/errors.js';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// (No `u` flag: with it a lone surrogate could not be matched on its own.)
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE_PATTERN = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_GLOBAL = new RegExp(UNSTORABLE_PATTERN.source, 'g');

/** The first character of `text` that cannot be stored, named for people ('NUL (U+0000)'), or undefined. */
export function unstorableCharacter(text: string): string | undefined {
  const match = UNSTORABLE_PATTERN.exec(text);
  if (match === null) return undefined;
  const code = match[0].charCodeAt(0);
  if (code === 0) return 'NUL (U+0000)';
  return `a lone surrogate (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Throws BATON_INVALID_TEXT (details: `{ field, character }`) when `value` is a string holding a
 * character no store can keep; anything else passes (type and length are the caller's checks).
 * `label` starts the message (default: "The <field>").
 */
export function assertStorableText(value: unknown, field: string, label = `The ${field}`): void {
  if (typeof value !== 'string') return;
  const character = unstorableCharacter(value);
  if (character === undefined) return;
  throw new BatonError(
    ErrorCode.InvalidText,
    `${label} holds ${character}, which Baton cannot store or search for: remove it (payloads such as inputs and data may hold it).`,
    { retryable: false, details: { field, character } },
  );
}

/**
 * `text` with each character no store can keep replaced by U+FFFD: for records of what was asked
 * (an audit entry's target names what a refused call was given), never for values a caller reads back
 * as theirs.
 */
export function storableCopy(text: string): string {
  return unstorableCharacter(text) === undefined ? text : text.replace(UNSTORABLE_GLOBAL, '\ufffd');
}
