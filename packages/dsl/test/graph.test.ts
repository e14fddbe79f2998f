/** A definition as a graph: a node per task, groups for compound tasks, edges by the DSL's flow rules. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { definitionGraph, type DefinitionGraph } from '@baton/dsl';
import { FEATURES, kitPresent } from './ctk/features.js';

/** Every edge as `from -kind-> to [label]`, for comparing whole graphs at a glance. */
function edges(graph: DefinitionGraph): string[] {
  return graph.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}${e.label === undefined ? '' : ` [${e.label}]`}`);
}

function node(graph: DefinitionGraph, id: string) {
  const found = graph.nodes.find((n) => n.id === id);
  if (found === undefined) throw new Error(`no node ${id}`);
  return found;
}

function graphOf(yaml: string): DefinitionGraph {
  return definitionGraph(parse(yaml) as { do: unknown });
}

describe('definitionGraph: task types and labels', () => {
  it('draws simple tasks in order between start and end, each with what it does', () => {
    const graph = graphOf(`
do:
  - init: { set: { count: 0, items: [] } }
  - getPet:
      call: http
      with: { method: get, endpoint: { uri: 'https://petstore.swagger.io/v2/pet/{petId}' } }
  - pause: { wait: { minutes: 5 } }
  - pauseIso: { wait: PT1H }
  - fail: { raise: { error: notFound } }
`);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.label])).toEqual([
      ['start', 'start', 'start'],
      ['end', 'end', 'end'],
      ['/do/0/init', 'set', 'set count, items'],
      ['/do/1/getPet', 'call', 'call http GET …/pet/{petId}'],
      ['/do/2/pause', 'wait', 'wait PT5M'],
      ['/do/3/pauseIso', 'wait', 'wait PT1H'],
      ['/do/4/fail', 'raise', 'raise notFound'],
    ]);
    // A raise never goes on: no edge leaves it.
    expect(edges(graph)).toEqual([
      '/do/0/init -next-> /do/1/getPet',
      '/do/1/getPet -next-> /do/2/pause',
      '/do/2/pause -next-> /do/3/pauseIso',
      '/do/3/pauseIso -next-> /do/4/fail',
      'start -next-> /do/0/init',
    ]);
  });

  it('labels every other task type', () => {
    const graph = graphOf(`
do:
  - grpc: { call: grpc, with: { proto: { endpoint: file://a.proto }, service: { name: Greeter, host: h }, method: SayHello } }
  - openapi: { call: openapi, with: { document: { endpoint: https://x/o.json }, operationId: findPets } }
  - custom: { call: myFunction }
  - emitIt: { emit: { event: { with: { type: com.example.order.placed, source: x } } } }
  - listenIt: { listen: { to: { all: [ { with: { type: a.b } }, { with: { type: c.d } } ] } } }
  - shell: { run: { shell: { command: ls } } }
  - container: { run: { container: { image: alpine } } }
  - script: { run: { script: { language: js, code: '1' } } }
  - child: { run: { workflow: { namespace: ns, name: child, version: 1.0.0 } } }
  - inline: { raise: { error: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout', status: 408 } } }
`);
    expect(graph.nodes.slice(2).map((n) => `${n.kind}: ${n.label}`)).toEqual([
      'call: call grpc Greeter/SayHello',
      'call: call openapi findPets',
      'call: call myFunction',
      'emit: emit com.example.order.placed',
      'listen: listen to all a.b, c.d',
      'run: run shell ls',
      'run: run container alpine',
      'run: run script js',
      'run: run workflow ns.child:1.0.0',
      'raise: raise timeout',
    ]);
  });

  it('groups a do task’s children under it, entered from it and left back to it', () => {
    const graph = graphOf(`
do:
  - outer:
      do:
        - a: { set: { a: 1 } }
        - b: { set: { b: 1 } }
  - after: { set: { c: 1 } }
`);
    expect(node(graph, '/do/0/outer')).toMatchObject({ kind: 'do', label: 'do 2 tasks' });
    expect(node(graph, '/do/0/outer/do/1/b').parent).toBe('/do/0/outer');
    expect(node(graph, '/do/1/after').parent).toBeUndefined();
    expect(edges(graph)).toEqual([
      '/do/0/outer/do/0/a -next-> /do/0/outer/do/1/b',
      '/do/0/outer/do/1/b -next-> /do/0/outer',
      '/do/0/outer -next-> /do/0/outer/do/0/a',
      '/do/0/outer -next-> /do/1/after',
      '/do/1/after -next-> end',
      'start -next-> /do/0/outer',
    ]);
  });

  it('draws a for loop with its way back, at the children’s real pointers', () => {
    const graph = graphOf(`
do:
  - each:
      for: { each: pet, in: .pets, at: index }
      while: .count < 3
      do:
        - add: { set: { count: '\${ .count + 1 }' } }
`);
    expect(node(graph, '/do/0/each')).toMatchObject({ kind: 'for', label: 'for each pet in .pets' });
    expect(node(graph, '/do/0/each/do/0/add').parent).toBe('/do/0/each');
    expect(edges(graph)).toContain('/do/0/each -loop-> /do/0/each [while .count < 3]');
    expect(edges(graph)).toContain('/do/0/each -next-> /do/0/each/do/0/add');
    expect(edges(graph)).toContain('/do/0/each/do/0/add -next-> /do/0/each');
  });

  it('draws each fork branch from the fork, and back to it', () => {
    const graph = graphOf(`
do:
  - race:
      fork:
        compete: true
        branches:
          - left: { set: { l: 1 } }
          - right:
              do:
                - r1: { wait: PT1S }
`);
    expect(node(graph, '/do/0/race').label).toBe('fork 2 branches, first wins');
    expect(node(graph, '/do/0/race/fork/branches/1/right/do/0/r1').parent).toBe('/do/0/race/fork/branches/1/right');
    expect(edges(graph)).toEqual(
      expect.arrayContaining([
        '/do/0/race -branch-> /do/0/race/fork/branches/0/left',
        '/do/0/race -branch-> /do/0/race/fork/branches/1/right',
        '/do/0/race/fork/branches/0/left -next-> /do/0/race',
        '/do/0/race/fork/branches/1/right -next-> /do/0/race',
        '/do/0/race -next-> end',
      ]),
    );
  });

  it('draws a try’s body, its catch handlers and its retry', () => {
    const graph = graphOf(`
do:
  - guarded:
      try:
        - getPet: { call: http, with: { method: get, endpoint: 'https://x/pet/1' } }
      catch:
        errors: { with: { type: 'https://serverlessworkflow.io/spec/1.0.0/errors/communication', status: 503 } }
        when: .retryable
        retry: { delay: { seconds: 3 }, limit: { attempt: { count: 5 } } }
        do:
          - note: { set: { failed: true } }
  - persistent:
      try:
        - risky: { call: http, with: { method: get, endpoint: 'https://x/a' } }
      catch: { retry: standard }
  - tolerant:
      try:
        - flaky: { call: http, with: { method: get, endpoint: 'https://x/b' } }
      catch: {}
`);
    expect(node(graph, '/do/0/guarded')).toMatchObject({ kind: 'try', label: 'try, catch communication' });
    expect(node(graph, '/do/0/guarded/catch/do/0/note').parent).toBe('/do/0/guarded');
    expect(edges(graph)).toEqual(
      expect.arrayContaining([
        '/do/0/guarded -next-> /do/0/guarded/try/0/getPet',
        '/do/0/guarded/try/0/getPet -next-> /do/0/guarded',
        '/do/0/guarded -catch-> /do/0/guarded/catch/do/0/note [catch communication when .retryable]',
        '/do/0/guarded/catch/do/0/note -next-> /do/0/guarded',
        '/do/0/guarded -retry-> /do/0/guarded [retry ×5 after PT3S]',
        '/do/1/persistent -retry-> /do/1/persistent [retry standard]',
        // A catch without handlers goes on after the try.
        '/do/2/tolerant -catch-> end [catch any error]',
      ]),
    );
    // With a retry and no handlers, the last attempt's error is not caught: it leaves the try as it is.
    expect(edges(graph)).not.toContain('/do/1/persistent -catch-> /do/2/tolerant [catch any error]');
  });
});

describe('definitionGraph: a listen task’s foreach', () => {
  it('groups the tasks it runs for each event under it, with its way back', () => {
    const graph = graphOf(`
do:
  - orders:
      listen: { to: { any: [ { with: { type: com.shop.order } } ] }, read: data }
      foreach:
        item: order
        do:
          - record: { set: { last: '\${ $order }' } }
  - plain: { listen: { to: { one: { with: { type: com.shop.paid } } } } }
`);
    expect(node(graph, '/do/0/orders')).toMatchObject({ kind: 'listen', label: 'listen to any com.shop.order' });
    expect(node(graph, '/do/0/orders/foreach/do/0/record').parent).toBe('/do/0/orders');
    expect(edges(graph)).toEqual(
      expect.arrayContaining([
        '/do/0/orders -next-> /do/0/orders/foreach/do/0/record',
        '/do/0/orders/foreach/do/0/record -next-> /do/0/orders',
        '/do/0/orders -loop-> /do/0/orders [next event]',
        '/do/0/orders -next-> /do/1/plain',
      ]),
    );
    expect(edges(graph).filter((e) => e.startsWith('/do/1/plain'))).toEqual(['/do/1/plain -next-> end']);
  });
});

describe('definitionGraph: flow directives', () => {
  it('follows then: a name (forwards and backwards), exit, end and continue', () => {
    const graph = graphOf(`
do:
  - first: { set: { n: 1 }, then: third }
  - second: { set: { n: 2 }, then: end }
  - third:
      do:
        - inner: { set: { n: 3 }, then: exit }
        - skippedInner: { set: { n: 4 } }
      then: continue
  - fourth: { set: { n: 5 }, then: first }
`);
    expect(edges(graph)).toEqual([
      '/do/0/first -then-> /do/2/third',
      '/do/1/second -then-> end',
      '/do/2/third/do/0/inner -then-> /do/2/third',
      '/do/2/third/do/1/skippedInner -next-> /do/2/third',
      '/do/2/third -next-> /do/2/third/do/0/inner',
      '/do/2/third -next-> /do/3/fourth',
      '/do/3/fourth -then-> /do/0/first',
      'start -next-> /do/0/first',
    ]);
  });

  it('draws switch cases with their conditions, the default case, and no match when there is no default', () => {
    const withDefault = graphOf(`
do:
  - route:
      switch:
        - big: { when: '.n > 10', then: large }
        - huge: { when: '.n > 100', then: large }
        - otherwise: { then: small }
  - small: { set: { size: small }, then: end }
  - large: { set: { size: large } }
`);
    expect(edges(withDefault)).toEqual([
      '/do/0/route -case-> /do/2/large [.n > 10 / .n > 100]',
      '/do/0/route -case-> /do/1/small [default]',
      '/do/1/small -then-> end',
      '/do/2/large -next-> end',
      'start -next-> /do/0/route',
    ]);
    const withoutDefault = graphOf(`
do:
  - route: { switch: [ { stop: { when: .stop, then: end } } ] }
  - goOn: { set: { went: true } }
`);
    expect(edges(withoutDefault)).toEqual(expect.arrayContaining(['/do/0/route -case-> end [.stop]', '/do/0/route -next-> /do/1/goOn [no case matched]']));
  });

  it('draws the way past a task whose if is false', () => {
    const graph = graphOf(`
do:
  - a: { set: { a: 1 } }
  - maybe: { if: .go, set: { b: 1 } }
  - c: { set: { c: 1 } }
`);
    expect(node(graph, '/do/1/maybe').condition).toBe('.go');
    expect(edges(graph)).toContain('/do/0/a -next-> /do/2/c [skipped]');
  });

  it('draws an empty workflow as start to end', () => {
    expect(edges(definitionGraph({ do: [] }))).toEqual(['start -next-> end']);
  });
});

/** The definitions the conformance kit's scenarios run (`a workflow with definition:` blocks). */
function conformanceDefinitions(): { name: string; document: { do: unknown } }[] {
  const found: { name: string; document: { do: unknown } }[] = [];
  if (!kitPresent()) {
    if (process.env.CI === 'true') throw new Error(`The conformance kit is missing at ${FEATURES}: it is required under CI=true.`);
    console.warn(`skipping the conformance kit's definitions: ${FEATURES} is absent`);
    return found;
  }
  for (const file of readdirSync(FEATURES).filter((f) => f.endsWith('.feature'))) {
    const text = readFileSync(join(FEATURES, file), 'utf8');
    for (const match of text.matchAll(/a workflow with definition:\s*\n\s*"""yaml\n([\s\S]*?)\n\s*"""/g)) {
      const document = parse(match[1] ?? '') as { document: { name: string }; do: unknown };
      found.push({ name: `${file}: ${document.document.name}`, document });
    }
  }
  return found;
}

/** Every task of a document by pointer, walking the same places the DSL nests tasks in. */
function taskPointers(tasks: unknown, pointer: string): string[] {
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((item: Record<string, Record<string, unknown>>, index) => {
    const [name, task] = Object.entries(item)[0]!;
    const id = `${pointer}/${index}/${name}`;
    const fork = task.fork as { branches?: unknown } | undefined;
    const handler = task.catch as { do?: unknown } | undefined;
    return [
      id,
      ...taskPointers(task.do, `${id}/do`),
      ...taskPointers(task.try, `${id}/try`),
      ...taskPointers(handler?.do, `${id}/catch/do`),
      ...taskPointers(fork?.branches, `${id}/fork/branches`),
    ];
  });
}

describe('definitionGraph: the conformance kit’s definitions', () => {
  const definitions = conformanceDefinitions();

  it.skipIf(!kitPresent())('finds the definitions', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(20);
  });

  it.each(definitions.map((d) => [d.name, d.document] as const))(
    '%s: every task drawn once, every edge between drawn nodes, every task reachable',
    (_, document) => {
      const graph = definitionGraph(document);
      const ids = graph.nodes.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => id.startsWith('/')).sort()).toEqual(taskPointers(document.do, '/do').sort());
      for (const edge of graph.edges) expect(ids).toEqual(expect.arrayContaining([edge.from, edge.to]));
      for (const n of graph.nodes) if (n.parent !== undefined) expect(ids).toContain(n.parent);
      // Reachable from start, counting a group's children as reached with it.
      const reached = new Set(['start']);
      for (let grew = true; grew;) {
        grew = false;
        for (const edge of graph.edges) {
          if (!reached.has(edge.from) || reached.has(edge.to)) continue;
          reached.add(edge.to);
          grew = true;
        }
      }
      // (A workflow that always raises never reaches its end.)
      expect(graph.nodes.filter((n) => !reached.has(n.id) && n.id !== 'end').map((n) => n.id)).toEqual([]);
    },
  );

  it('draws the fork scenario’s branches and the switch scenario’s cases', () => {
    const fork = definitions.find((d) => d.name.startsWith('branch.feature'))!;
    const forkGraph = definitionGraph(fork.document);
    expect(forkGraph.edges.filter((e) => e.kind === 'branch').length).toBeGreaterThanOrEqual(2);
    const switchDefinition = definitions.find((d) => d.name === 'switch.feature: switch-match')!;
    expect(edges(definitionGraph(switchDefinition.document))).toEqual(
      expect.arrayContaining([
        '/do/0/switchColor -case-> /do/1/setRed [.color == "red"]',
        '/do/0/switchColor -case-> /do/2/setGreen [.color == "green"]',
        '/do/0/switchColor -case-> /do/3/setBlue [.color == "blue"]',
        '/do/0/switchColor -next-> /do/1/setRed [no case matched]',
      ]),
    );
  });
});
