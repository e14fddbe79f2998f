/**
 * The runs list's search on SQLite: a trigram full-text index (runs_search, migration 0010) over
 * each run's id and the start of its input, kept up to date after the fact, a chunk at a time (see
 * SearchIndex), and the plans a search is read by.
 */
import { likeEscaped, SEARCHED_INPUT_CHARS } from '@baton/core/store-kit';
import type Database from 'better-sqlite3';

/**
 * How a search finds its runs. `index`: through the trigram index, for text found in few runs (the
 * runs after the index's end are scanned, a short range by rowid); `scan`: newest first, testing each
 * run, for text found in many (the first page is then near the top) or too short for the index.
 */
export type SearchPlan = 'index' | 'scan';

/** A search naming more runs than this is read by scanning (see SearchPlan). */
export const SEARCH_INDEX_MAX_HITS = 10_000;

/** How often the store adds the runs written since to the index. */
export const SEARCH_INDEX_EVERY_MS = 1000;

/** Runs indexed in one transaction: short enough not to hold writers up for long. */
export const SEARCH_INDEX_CHUNK = 1000;

/** The trigram index matches pieces of three characters: shorter text can only be scanned for. */
export function indexable(text: string): boolean {
  return [...text].length >= 3;
}

/** `text` as an FTS5 phrase: the literal text, anywhere in a column (each token is a trigram). */
export function searchPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The condition a scanned run meets, and its parameter (`@like`). */
export const SEARCH_SCAN_CONDITION = `(id LIKE @like ESCAPE '\\' OR substr(input, 1, ${SEARCHED_INPUT_CHARS}) LIKE @like ESCAPE '\\')`;

export function searchLikePattern(text: string): string {
  return `%${likeEscaped(text)}%`;
}

/**
 * The runs a search finds through the index: the index's hits (driving the join, so only they are
 * read), kept when the scan's own test holds too, so both plans find exactly the same runs (the index
 * folds the case of every letter, LIKE of ASCII letters only); and the runs written after the index's
 * end, scanned by rowid (NOT INDEXED: reading an index in the page's order instead would test every
 * run). Both parts have the runs table's columns.
 */
export const SEARCH_INDEXED_RUNS = `SELECT runs.* FROM runs_search CROSS JOIN runs ON runs.rowid = runs_search.rowid
    WHERE runs_search MATCH @phrase AND ${SEARCH_SCAN_CONDITION}
  UNION ALL
  SELECT * FROM runs NOT INDEXED WHERE rowid > (SELECT indexed_to FROM runs_search_state) AND ${SEARCH_SCAN_CONDITION}`;

/** The search index's upkeep and the probe that picks a plan. */
export class SearchIndex {
  readonly #probe: Database.Statement;
  readonly #pending: Database.Statement;
  readonly #chunkEnd: Database.Statement;
  readonly #index: Database.Statement;
  readonly #advance: Database.Statement;

  constructor(db: Database.Database) {
    this.#probe = db.prepare(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM runs_search WHERE runs_search MATCH ? LIMIT ${SEARCH_INDEX_MAX_HITS + 1})`);
    this.#pending = db.prepare('SELECT COALESCE((SELECT MAX(rowid) FROM runs), 0) > indexed_to AS pending FROM runs_search_state');
    this.#chunkEnd = db.prepare(
      'SELECT indexed_to AS start, (SELECT MAX(rowid) FROM (SELECT rowid FROM runs WHERE rowid > indexed_to ORDER BY rowid LIMIT ?)) AS end FROM runs_search_state',
    );
    this.#index = db.prepare(
      `INSERT INTO runs_search (rowid, run_id, run_input) SELECT rowid, id, substr(input, 1, ${SEARCHED_INPUT_CHARS}) FROM runs WHERE rowid > ? AND rowid <= ?`,
    );
    this.#advance = db.prepare('UPDATE runs_search_state SET indexed_to = ?');
  }

  plan(text: string): SearchPlan {
    if (!indexable(text)) return 'scan';
    const { n } = this.#probe.get(searchPhrase(text)) as { n: number };
    return n > SEARCH_INDEX_MAX_HITS ? 'scan' : 'index';
  }

  /** Whether runs were written after the index's end (a read, no lock). */
  pending(): boolean {
    return (this.#pending.get() as { pending: number }).pending === 1;
  }

  /** Indexes up to `limit` runs after the index's end; call inside a write transaction. Returns how many. */
  indexChunk(limit = SEARCH_INDEX_CHUNK): number {
    const { start, end } = this.#chunkEnd.get(limit) as { start: number; end: number | null };
    if (end === null) return 0;
    const { changes } = this.#index.run(start, end);
    this.#advance.run(end);
    return changes;
  }
}
