/**
 * A run's journal read onto its definition's graph: entries by the task's JSON pointer (with a
 * qualifier for repeats), compound tasks from their children, the task a running or waiting run is
 * at, and the layout that places every task of the graph.
 */
import { describe, expect, it } from 'vitest';
import type { ApiDefinitionGraph, ApiJournalEntry } from '@baton/server/client';
import { definitionGraph } from '@baton/dsl';
import { taskOfEntry, taskStates } from '../src/definition-states.js';
import { layoutGraph } from '../src/definition-layout.js';

const DOCUMENT = {
  do: [
    { first: { set: { a: 1 } } },
    { loop: { for: { each: 'i', in: '.items' }, do: [{ step: { set: { b: 1 } } }] } },
    {
      guarded: {
        try: [{ risky: { call: 'http', with: { method: 'get', endpoint: 'https://x.example/a' } } }],
        catch: { do: [{ recover: { set: { recovered: true } } }] },
      },
    },
    { pause: { wait: 'PT1M' } },
    { last: { set: { c: 1 } } },
  ],
};
const graph = { name: 'g', version: '1', ...definitionGraph(DOCUMENT) } as ApiDefinitionGraph;

let seq = 0;
function entry(name: string, status: 'completed' | 'failed' = 'completed', kind = 'step'): ApiJournalEntry {
  seq++;
  return { seq, kind, name, status, attempts: 1, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:01Z', durationMs: 1000 };
}

const stateOf = (states: ReturnType<typeof taskStates>, id: string) => states.get(id)?.state;

describe('a run’s journal on its definition’s graph', () => {
  it('reads an entry’s task from its name: the deepest task whose pointer starts it, a qualifier aside', () => {
    const ids = new Set(graph.nodes.map((n) => n.id));
    expect(taskOfEntry('/do/0/first', ids)).toBe('/do/0/first');
    expect(taskOfEntry('/do/1/loop/do/0/step #3', ids)).toBe('/do/1/loop/do/0/step');
    expect(taskOfEntry('/do/1/loop #2', ids)).toBe('/do/1/loop');
    expect(taskOfEntry('/do/1/loop/for', ids)).toBe('/do/1/loop');
    // Not a prefix at a boundary, nor a task at all.
    expect(taskOfEntry('/do/0/firstly', ids)).toBeUndefined();
    expect(taskOfEntry('approved', ids)).toBeUndefined();
  });

  it('colours a completed run: each task by its entries, with their count; compound tasks from their children', () => {
    seq = 0;
    const journal = [
      entry('/do/0/first'),
      entry('/do/1/loop in'),
      entry('/do/1/loop/do/0/step #1'),
      entry('/do/1/loop/do/0/step #2'),
      entry('/do/2/guarded/try/0/risky', 'failed'),
      entry('/do/2/guarded/catch/do/0/recover'),
      // The wait task's sleep, named by the engine, not by the task.
      entry('sleep', 'completed', 'sleep'),
      entry('/do/4/last'),
    ];
    const states = taskStates(graph, { status: 'completed' }, journal);
    expect(states.get('/do/1/loop/do/0/step')).toEqual({ state: 'completed', seqs: [3, 4], runs: 2 });
    expect(states.get('/do/3/pause')).toEqual({ state: 'completed', seqs: [7], runs: 1 });
    expect(stateOf(states, '/do/1/loop')).toBe('completed');
    expect(stateOf(states, '/do/2/guarded/try/0/risky')).toBe('failed');
    // The catch handled the failure: the try completed.
    expect(stateOf(states, '/do/2/guarded')).toBe('completed');
    expect(stateOf(states, '/do/4/last')).toBe('completed');
    expect(states.has('start')).toBe(false);
  });

  it('counts a task’s runs by the repeats its entries name, not by the parts of one run', () => {
    seq = 0;
    const journal = [
      entry('/do/1/loop #1 while'),
      entry('/do/1/loop/do/0/step #1'),
      entry('/do/1/loop/do/0/step #1 output'),
      entry('/do/1/loop #2 while'),
      entry('/do/1/loop/do/0/step #2'),
      entry('/do/1/loop/do/0/step #2 output'),
      entry('/do/2/guarded/try/0/risky #1.2'),
    ];
    const states = taskStates(graph, { status: 'completed' }, journal);
    expect(states.get('/do/1/loop/do/0/step')).toEqual({ state: 'completed', seqs: [2, 3, 5, 6], runs: 2 });
    expect(states.get('/do/1/loop')?.runs).toBe(2);
    expect(states.get('/do/2/guarded/try/0/risky')?.runs).toBe(1);
    expect(states.get('/do/2/guarded')?.runs).toBe(1);
  });

  it('colours a failed run: the failed task and the groups it failed in', () => {
    seq = 0;
    const states = taskStates(graph, { status: 'failed' }, [entry('/do/0/first'), entry('/do/1/loop/do/0/step', 'failed')]);
    expect(stateOf(states, '/do/1/loop/do/0/step')).toBe('failed');
    expect(stateOf(states, '/do/1/loop')).toBe('failed');
    expect(stateOf(states, '/do/3/pause')).toBeUndefined();
  });

  it('marks the task a waiting run is at: where the flow goes from its latest entry', () => {
    seq = 0;
    const journal = [entry('/do/0/first'), entry('/do/1/loop/do/0/step'), entry('/do/2/guarded/try/0/risky')];
    const states = taskStates(graph, { status: 'waiting' }, journal);
    // Out of the try's body, out of the try, on to the wait task.
    expect(stateOf(states, '/do/3/pause')).toBe('waiting');
    expect(stateOf(states, '/do/2/guarded')).toBe('completed');
    expect(stateOf(states, '/do/4/last')).toBeUndefined();
  });

  it('gives a wait of the engine’s own to the task the flow was at, or to the try whose retry it backs off', () => {
    seq = 0;
    const retrying = {
      name: 'r',
      version: '1',
      ...definitionGraph({
        do: [
          { book: { try: [{ ask: { call: 'http', with: { method: 'get', endpoint: 'https://x.example/a' } } }], catch: { retry: { delay: 'PT1S' } } } },
          { approve: { call: 'baton.approval', with: { title: 'Ship?', form: { type: 'object' } } } },
          { ship: { set: { c: 1 } } },
        ],
      }),
    } as ApiDefinitionGraph;
    const journal = [
      entry('/do/0/book/try/0/ask', 'failed'),
      entry('/do/0/book catch'),
      entry('sleep', 'completed', 'sleep'),
      entry('/do/0/book/try/0/ask #2'),
    ];
    const waiting = taskStates(retrying, { status: 'waiting' }, journal);
    expect(waiting.get('/do/0/book')?.seqs).toEqual([2, 3]);
    expect(waiting.get('/do/0/book/try/0/ask')).toEqual({ state: 'completed', seqs: [1, 4], runs: 2 });
    expect(stateOf(waiting, '/do/1/approve')).toBe('waiting');
    const done = taskStates(retrying, { status: 'completed' }, [...journal, entry('approval', 'completed', 'signal'), entry('/do/2/ship')]);
    expect(done.get('/do/1/approve')).toEqual({ state: 'completed', seqs: [5], runs: 1 });
  });

  it('marks a try backing off before a retry as waiting, and the task a waiting run’s progress names', () => {
    seq = 0;
    const retrying = taskStates(graph, { status: 'waiting' }, [
      entry('/do/0/first'),
      entry('/do/1/loop in'),
      entry('/do/2/guarded/try/0/risky', 'failed'),
      entry('/do/2/guarded catch'),
    ]);
    expect(retrying.get('/do/2/guarded')).toEqual({ state: 'waiting', seqs: [4], runs: 1 });
    expect(stateOf(retrying, '/do/2/guarded/try/0/risky')).toBe('failed');
    expect(stateOf(retrying, '/do/3/pause')).toBeUndefined();

    // Two branches at once: the flow alone cannot tell which one waits; the progress can.
    const forked = {
      name: 'f',
      version: '1',
      ...definitionGraph({
        do: [
          {
            both: {
              fork: {
                branches: [{ ask: { call: 'baton.approval', with: { title: 'Ship?', form: { type: 'object' } } } }, { note: { set: { noted: true } } }],
              },
            },
          },
        ],
      }),
    } as ApiDefinitionGraph;
    const journal = [entry('/do/0/both/fork/branches/1/note')];
    expect(stateOf(taskStates(forked, { status: 'waiting' }, journal), '/do/0/both/fork/branches/0/ask')).toBeUndefined();
    const progress = { waitingFor: 'approval', task: '/do/0/both/fork/branches/0/ask', signal: 'approval' };
    const states = taskStates(forked, { status: 'waiting', progress }, journal);
    expect(stateOf(states, '/do/0/both/fork/branches/0/ask')).toBe('waiting');
    expect(stateOf(states, '/do/0/both')).toBe('waiting');
    // A task the graph does not have is no guide.
    expect(stateOf(taskStates(forked, { status: 'waiting', progress: { task: '/do/9/gone' } }, journal), '/do/0/both')).toBe('completed');
  });

  it('marks the first task of a running run with nothing journaled, entering groups', () => {
    seq = 0;
    expect(stateOf(taskStates(graph, { status: 'running' }, []), '/do/0/first')).toBe('running');
    // Into the loop's body: the group runs, and so does its first task.
    const states = taskStates(graph, { status: 'running' }, [entry('/do/0/first')]);
    expect(stateOf(states, '/do/1/loop/do/0/step')).toBe('running');
    expect(stateOf(states, '/do/1/loop')).toBe('running');
  });

  it('marks nothing as current where the flow could go several ways (a switch not yet decided)', () => {
    seq = 0;
    const branching = {
      name: 'b',
      version: '1',
      ...definitionGraph({
        do: [{ a: { set: { a: 1 } } }, { route: { switch: [{ x: { when: '.x', then: 'c' } }, { y: { then: 'end' } }] } }, { c: { set: {} } }],
      }),
    } as ApiDefinitionGraph;
    const states = taskStates(branching, { status: 'running' }, [entry('/do/0/a'), entry('/do/1/route')]);
    expect([...states.keys()].sort()).toEqual(['/do/0/a', '/do/1/route']);
  });
});

describe('the layout of a definition’s graph', () => {
  it('places every task, the groups around their children, and routes every edge', () => {
    const layout = layoutGraph(graph);
    expect(layout.nodes).toHaveLength(graph.nodes.length);
    const at = new Map(layout.nodes.map((n) => [n.node.id, n]));
    const inside = (child: string, group: string): boolean => {
      const c = at.get(child)!;
      const g = at.get(group)!;
      return (
        c.x - c.width / 2 >= g.x - g.width / 2 &&
        c.x + c.width / 2 <= g.x + g.width / 2 &&
        c.y - c.height / 2 >= g.y - g.height / 2 &&
        c.y + c.height / 2 <= g.y + g.height / 2
      );
    };
    expect(at.get('/do/1/loop')!.group).toBe(true);
    expect(inside('/do/1/loop/do/0/step', '/do/1/loop')).toBe(true);
    expect(inside('/do/2/guarded/catch/do/0/recover', '/do/2/guarded')).toBe(true);
    expect(inside('/do/0/first', '/do/1/loop')).toBe(false);
    // Top to bottom: start above the first task, the end below the last.
    expect(at.get('start')!.y).toBeLessThan(at.get('/do/0/first')!.y);
    expect(at.get('/do/4/last')!.y).toBeLessThan(at.get('end')!.y);
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    expect(layout.width).toBeGreaterThan(0);
  });
});
