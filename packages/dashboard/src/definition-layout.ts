/**
 * Where each task of a definition's graph goes on the page: a layered layout (dagre), top to bottom.
 * A compound task is a group (a dagre cluster) with two ports inside, where its body starts (its
 * header, which shows its name) and ends (a small point): an edge into the group enters at its start port, an edge out of it leaves from its end port,
 * and its loop (for) and retry (try) run from the end port back to the start. dagre lays edges out
 * between plain nodes only, so the ports stand for the group in every edge.
 */
import dagre from '@dagrejs/dagre';
import type { ApiDefinitionGraph } from '@baton/server/client';

type GraphNode = ApiDefinitionGraph['nodes'][number];
type GraphEdge = ApiDefinitionGraph['edges'][number];

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A compound task drawn as a group around its children. */
  group: boolean;
  /** A group's header (where its body starts), by its centre. */
  header?: { x: number; y: number; width: number; height: number };
}

export interface PlacedEdge {
  edge: GraphEdge;
  points: { x: number; y: number }[];
  labelAt?: { x: number; y: number };
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const CHAR_WIDTH = 6.6;
const TASK_HEIGHT = 46;
const LABEL_HEIGHT = 16;
const HEADER_HEIGHT = 36;

function headerWidth(node: GraphNode): number {
  return Math.min(Math.max(node.name.length, node.label.length) * CHAR_WIDTH + 20, 340);
}

const entryPort = (id: string): string => `${id}\u0000in`;
const exitPort = (id: string): string => `${id}\u0000out`;

export function layoutGraph(graph: Pick<ApiDefinitionGraph, 'nodes' | 'edges'>): GraphLayout {
  const groups = new Set(graph.nodes.flatMap((n) => (n.parent === undefined ? [] : [n.parent])));
  for (const n of graph.nodes) if (n.kind === 'do' || n.kind === 'for' || n.kind === 'fork' || n.kind === 'try') groups.add(n.id);
  const parentOf = new Map(graph.nodes.map((n) => [n.id, n.parent]));
  const within = (id: string, group: string): boolean => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) if (p === group) return true;
    return false;
  };

  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 34, edgesep: 12, marginx: 12, marginy: 12 });
  for (const n of graph.nodes) {
    if (groups.has(n.id)) {
      g.setNode(n.id, {});
      // The start port is the group's header: its name and what it does are drawn on it.
      g.setNode(entryPort(n.id), { width: headerWidth(n), height: HEADER_HEIGHT });
      g.setNode(exitPort(n.id), { width: 8, height: 8 });
      g.setParent(entryPort(n.id), n.id);
      g.setParent(exitPort(n.id), n.id);
    } else {
      const width = Math.max(n.name.length, n.label.length, (n.condition?.length ?? 0) + 3) * CHAR_WIDTH + 24;
      g.setNode(n.id, { width: Math.min(Math.max(width, 90), 340), height: n.kind === 'start' || n.kind === 'end' ? 30 : TASK_HEIGHT });
    }
    if (n.parent !== undefined) g.setParent(n.id, n.parent);
  }

  graph.edges.forEach((edge, index) => {
    const [from, to] = ends(edge, groups, within);
    const label =
      edge.label === undefined ? {} : { label: edge.label, width: Math.min(edge.label.length, 40) * CHAR_WIDTH, height: LABEL_HEIGHT, labelpos: 'c' as const };
    g.setEdge(from, to, { ...label, minlen: 1 }, String(index));
  });
  dagre.layout(g);

  const nodes: PlacedNode[] = graph.nodes.map((node) => {
    const placed = g.node(node.id);
    if (!groups.has(node.id)) return { node, x: placed.x, y: placed.y, width: placed.width, height: placed.height, group: false };
    const header = g.node(entryPort(node.id));
    return {
      node,
      x: placed.x,
      y: placed.y,
      width: placed.width,
      height: placed.height,
      group: true,
      header: { x: header.x, y: header.y, width: header.width, height: header.height },
    };
  });
  const edges: PlacedEdge[] = graph.edges.map((edge, index) => {
    const [from, to] = ends(edge, groups, within);
    const placed = g.edge(from, to, String(index));
    const at = placed.x === undefined || placed.y === undefined || edge.label === undefined ? {} : { labelAt: { x: placed.x, y: placed.y } };
    return { edge, points: placed.points ?? [], ...at };
  });
  const size = g.graph();
  return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
}

/** The plain nodes an edge runs between: a group's ports stand for the group. */
function ends(edge: GraphEdge, groups: ReadonlySet<string>, within: (id: string, group: string) => boolean): [string, string] {
  const { from, to, kind } = edge;
  if (from === to && groups.has(from)) return kind === 'next' ? [entryPort(from), exitPort(from)] : [exitPort(from), entryPort(from)];
  let source = from;
  if (groups.has(from)) source = within(to, from) ? entryPort(from) : exitPort(from);
  // A catch without handlers: from where the body starts to what comes after the try.
  if (groups.has(from) && kind === 'catch') source = entryPort(from);
  let target = to;
  if (groups.has(to)) target = within(from, to) ? exitPort(to) : entryPort(to);
  return [source, target];
}
