/**
 * Where `baton replay` reads runs from: the database (--db), a server's history route (--url), or a
 * folder of replay files (--from). Each source yields the runs in the order a check wants them: in
 * flight first (running, waiting, and queued ones that have a journal), then ended ones (completed,
 * failed, cancelled), newest first within each group whatever their status, in pages, so a check of
 * many runs never holds them all and `--limit` keeps the most recent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, parseReplayFile, replayInputOf, runNotFound, type ReplayInput, type RunRecord, type RunStatus, type Store } from '@baton/core';
import type { ApiClient } from '@baton/server';

/** One run to check, or a file that could not be read as one. */
export type ReplaySubject = { input: ReplayInput; file?: string } | { invalid: string; file: string };

export interface RunSelection {
  workflow?: string;
  /** Only these statuses (all when absent). */
  status?: readonly RunStatus[];
  /** Only runs created at or after this time (epoch ms). */
  since?: number;
  /** At most this many runs. */
  limit: number;
  /** Only this run. */
  runId?: string;
}

/** In flight first, then ended; queued runs count only when they have a journal. */
const STATUS_GROUPS: readonly (readonly RunStatus[])[] = [
  ['running', 'waiting', 'queued'],
  ['completed', 'failed', 'cancelled'],
];
const PAGE = 200;
/** Journals read at once: enough to keep a pool busy, few enough not to starve it. */
const READ_AHEAD = 16;

export type RunSource = (selection: RunSelection) => AsyncIterable<ReplaySubject[]>;

/** Runs and journals straight from a store. */
export function storeSource(store: Store): RunSource {
  const subject = async (listed: Listed<RunRecord>): Promise<ReplaySubject> => {
    const run = listed.run ?? (await store.getRun(listed.id));
    if (run === undefined) throw runNotFound(listed.id);
    return { input: { run, journal: await store.getJournal(run.id) } };
  };
  return (selection) =>
    pagedSource<RunRecord>(selection, {
      subject,
      page: async (status, cursor) => {
        const page = await store.listRuns({
          status,
          limit: PAGE,
          ...(selection.workflow === undefined ? {} : { workflow: selection.workflow }),
          ...(selection.since === undefined ? {} : { createdAfter: selection.since }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        return {
          runs: page.runs.map((run) => ({ id: run.id, createdAt: run.createdAt, run })),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    });
}

/** Runs through a server's API: listed, then each one's history (the replay file it answers). */
export function apiSource(api: ApiClient): RunSource {
  const subject = async ({ id }: Listed): Promise<ReplaySubject> => {
    const file = await api.history(id);
    if (file === undefined) throw runNotFound(id);
    return { input: replayInputOf(parseReplayFile(JSON.stringify(file), `the history of run ${id}`)) };
  };
  return (selection) =>
    pagedSource(selection, {
      subject,
      page: async (status, cursor) => {
        const page = await api.list({
          status,
          limit: PAGE,
          ...(selection.workflow === undefined ? {} : { workflow: selection.workflow }),
          ...(selection.since === undefined ? {} : { createdAfter: new Date(selection.since) }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        return {
          runs: page.runs.map((run) => ({ id: run.id, createdAt: Date.parse(run.createdAt) })),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    });
}

/** Replay files in a folder (`<runId>.json`); one that does not parse is a subject of its own. */
export function folderSource(dir: string): RunSource {
  return async function* (selection) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((name) => name.endsWith('.json'));
    } catch (error) {
      throw new Error(`Cannot read the folder ${dir}: ${errorMessage(error)}`, { cause: error });
    }
    const invalid: ReplaySubject[] = [];
    const runs: { input: ReplayInput; file: string }[] = [];
    for (const name of names.sort()) {
      const file = join(dir, name);
      try {
        runs.push({ input: replayInputOf(parseReplayFile(readFileSync(file, 'utf8'), file)), file });
      } catch (error) {
        invalid.push({ invalid: errorMessage(error), file });
      }
    }
    const chosen = runs
      .filter(({ input: { run, journal } }) => selected(run, journal.length, selection))
      .sort((a, b) => rank(a.input.run) - rank(b.input.run) || b.input.run.createdAt - a.input.run.createdAt || (a.input.run.id < b.input.run.id ? 1 : -1))
      .slice(0, selection.limit);
    if (selection.runId !== undefined && chosen.length === 0) throw runNotFound(selection.runId);
    for (let i = 0; i < chosen.length; i += PAGE) yield chosen.slice(i, i + PAGE);
    if (invalid.length > 0) yield invalid;
  };
}

/** A run as a listing names it: enough to order it, and what the listing gave of it. */
interface Listed<R = never> {
  id: string;
  createdAt: number;
  run?: R;
}

interface Pager<R> {
  /** The run to check, with its journal. */
  subject(listed: Listed<R>): Promise<ReplaySubject>;
  /** A page of the runs of one status, newest first (creation time, then id). */
  page(status: RunStatus, cursor: string | undefined): Promise<{ runs: Listed<R>[]; nextCursor?: string }>;
}

async function* pagedSource<R = never>(selection: RunSelection, pager: Pager<R>): AsyncIterable<ReplaySubject[]> {
  if (selection.runId !== undefined) {
    yield [await pager.subject({ id: selection.runId, createdAt: 0 })];
    return;
  }
  let left = selection.limit;
  for (const group of STATUS_GROUPS) {
    const statuses = selection.status === undefined ? group : group.filter((s) => selection.status!.includes(s));
    // Each status is listed on its own (an index range, newest first) and the lists are merged, so
    // a long check reads every run once however many pages it takes.
    const runs = newestFirst(statuses.map((status) => listed(pager, status)));
    let batch: Listed<R>[] = [];
    const flush = async (): Promise<ReplaySubject[]> => {
      const subjects = await mapConcurrently(batch, READ_AHEAD, (run) => pager.subject(run));
      batch = [];
      const chosen = subjects.filter((s) => !('input' in s) || selected(s.input.run, s.input.journal.length, selection)).slice(0, left);
      left -= chosen.length;
      return chosen;
    };
    for await (const run of runs) {
      if (left <= 0) return;
      batch.push(run);
      if (batch.length >= Math.min(PAGE, left)) {
        const chosen = await flush();
        if (chosen.length > 0) yield chosen;
      }
    }
    if (batch.length > 0 && left > 0) {
      const chosen = await flush();
      if (chosen.length > 0) yield chosen;
    }
  }
}

/** The runs of one status, newest first, page after page. */
async function* listed<R>(pager: Pager<R>, status: RunStatus): AsyncGenerator<Listed<R>> {
  let cursor: string | undefined;
  do {
    const page = await pager.page(status, cursor);
    yield* page.runs;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/** Merges lists that are each newest first (creation time, then id, both descending) into one. */
async function* newestFirst<R>(lists: AsyncGenerator<Listed<R>>[]): AsyncGenerator<Listed<R>> {
  const heads = await Promise.all(lists.map((list) => list.next()));
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (head.done === true) continue;
      const best = pick < 0 ? undefined : (heads[pick]!.value as Listed<R>);
      if (best === undefined || newer(head.value, best)) pick = i;
    }
    if (pick < 0) return;
    yield heads[pick]!.value as Listed<R>;
    heads[pick] = await lists[pick]!.next();
  }
}

function newer(a: Listed<unknown>, b: Listed<unknown>): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}

function selected(run: RunRecord, entries: number, selection: RunSelection): boolean {
  if (selection.runId !== undefined) return run.id === selection.runId;
  if (run.status === 'queued' && entries === 0) return false; // never started: nothing to replay
  if (selection.workflow !== undefined && run.workflow !== selection.workflow) return false;
  if (selection.status !== undefined && !selection.status.includes(run.status)) return false;
  return selection.since === undefined || run.createdAt >= selection.since;
}

function rank(run: RunRecord): number {
  return STATUS_GROUPS.findIndex((group) => group.includes(run.status));
}

/** Maps with at most `limit` calls in flight, keeping the order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
