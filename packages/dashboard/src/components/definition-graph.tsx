/**
 * A definition drawn as a graph (SVG): its tasks, the compound tasks as groups around their children,
 * and the edges of its flow with their labels (switch cases, catches, loops). Given a run's task
 * states, each task is coloured by its state, with a legend, and the task the run is at (running or
 * waiting) is scrolled into view when it changes; a click on a task picks it. This module
 * and the layout library are a chunk of their own, loaded by the pages that draw a definition.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { ApiDefinitionGraph } from '@baton/server/client';
import { layoutGraph, type PlacedEdge, type PlacedNode } from '../definition-layout';
import { TASK_STATES, type TaskRunState } from '../definition-states';
import './definition-graph.css';

export interface DefinitionGraphProps {
  graph: ApiDefinitionGraph;
  /** A run's state of each task (by id): tasks without one did not run. */
  states?: ReadonlyMap<string, TaskRunState>;
  selected?: string;
  onSelect?(id: string): void;
}

export function DefinitionGraphView({ graph, states, selected, onSelect }: DefinitionGraphProps) {
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  const groups = layout.nodes.filter((n) => n.group);
  const tasks = layout.nodes.filter((n) => !n.group);
  const current = tasks.find((n) => {
    const state = states?.get(n.node.id)?.state;
    return state === 'running' || state === 'waiting';
  })?.node.id;
  const scroll = useRef<HTMLDivElement>(null);
  // Only when the run moves on to another task: scrolling by hand in between stays as it is.
  useEffect(() => {
    const placed = layout.nodes.find((n) => n.node.id === current);
    if (scroll.current !== null && placed !== undefined) bringIntoView(scroll.current, placed);
  }, [layout, current]);
  return (
    <figure className="definition-graph">
      {states === undefined ? null : <Legend />}
      <div className="definition-graph-scroll" ref={scroll}>
        <svg
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-label={`The flow of ${graph.name} ${graph.version}: ${tasks.length - 2} tasks`}
        >
          <defs>
            <marker id="definition-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="definition-arrow" />
            </marker>
          </defs>
          {groups.map((placed) => (
            <Group key={placed.node.id} placed={placed} state={states?.get(placed.node.id)} selected={selected === placed.node.id} onSelect={onSelect} />
          ))}
          {layout.edges.map((placed, index) => (
            <Edge key={index} placed={placed} />
          ))}
          {tasks.map((placed) => (
            <Task key={placed.node.id} placed={placed} state={states?.get(placed.node.id)} selected={selected === placed.node.id} onSelect={onSelect} />
          ))}
        </svg>
      </div>
    </figure>
  );
}

interface NodeProps {
  placed: PlacedNode;
  state: TaskRunState | undefined;
  selected: boolean;
  onSelect: ((id: string) => void) | undefined;
}

function nodeClass(base: string, { placed, state, selected, onSelect }: NodeProps): string {
  return [base, `kind-${placed.node.kind}`, `state-${state?.state ?? 'none'}`, selected ? 'selected' : '', onSelect === undefined ? '' : 'pickable']
    .filter(Boolean)
    .join(' ');
}

function interaction({ placed, onSelect }: NodeProps) {
  if (onSelect === undefined || placed.node.kind === 'start' || placed.node.kind === 'end') return {};
  const pick = () => onSelect(placed.node.id);
  return {
    tabIndex: 0,
    role: 'button',
    onClick: (e: { stopPropagation(): void }) => {
      e.stopPropagation();
      pick();
    },
    onKeyDown: (e: { key: string; preventDefault(): void }) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      pick();
    },
  };
}

function title(props: NodeProps): string {
  const { node } = props.placed;
  const runs = props.state === undefined ? '' : `\n${props.state.state}${props.state.runs > 1 ? `, ${props.state.runs} times` : ''}`;
  return `${node.id}\n${node.label}${node.condition === undefined ? '' : `\nif ${node.condition}`}${runs}`;
}

function Group(props: NodeProps) {
  const { placed, state } = props;
  const { header } = placed;
  const left = placed.x - placed.width / 2;
  const top = placed.y - placed.height / 2;
  return (
    <g className={nodeClass('definition-group', props)} data-task={placed.node.id} data-state={state?.state} data-runs={state?.runs} {...interaction(props)}>
      <title>{title(props)}</title>
      <rect x={left} y={top} width={placed.width} height={placed.height} rx={8} />
      {header === undefined ? null : (
        <>
          <text x={header.x} y={header.y - 3} textAnchor="middle" className="definition-name">
            {placed.node.condition === undefined ? '' : '◇ '}
            {placed.node.name}
            {state !== undefined && state.runs > 1 ? ` ×${state.runs}` : ''}
          </text>
          <text x={header.x} y={header.y + 12} textAnchor="middle" className="definition-label">
            {placed.node.label}
          </text>
        </>
      )}
    </g>
  );
}

function Task(props: NodeProps) {
  const { placed, state } = props;
  const { node } = placed;
  const left = placed.x - placed.width / 2;
  const top = placed.y - placed.height / 2;
  if (node.kind === 'start' || node.kind === 'end') {
    return (
      <g className={nodeClass('definition-terminal', props)} data-task={node.id}>
        <rect x={left} y={top} width={placed.width} height={placed.height} rx={placed.height / 2} />
        <text x={placed.x} y={placed.y + 4} textAnchor="middle">
          {node.name}
        </text>
      </g>
    );
  }
  return (
    <g className={nodeClass('definition-task', props)} data-task={node.id} data-state={state?.state} data-runs={state?.runs} {...interaction(props)}>
      <title>{title(props)}</title>
      <rect x={left} y={top} width={placed.width} height={placed.height} rx={6} />
      <text x={left + 10} y={top + 18} className="definition-name">
        {node.condition === undefined ? '' : '◇ '}
        {node.name}
        {state !== undefined && state.runs > 1 ? ` ×${state.runs}` : ''}
      </text>
      <text x={left + 10} y={top + 35} className="definition-label">
        {node.label}
      </text>
    </g>
  );
}

function Edge({ placed }: { placed: PlacedEdge }) {
  const { edge, points, labelAt } = placed;
  if (points.length === 0) return null;
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
  return (
    <g className={`definition-edge edge-${edge.kind}`} data-edge={`${edge.from} -> ${edge.to}`} data-kind={edge.kind}>
      <path d={d} markerEnd="url(#definition-arrow)" />
      {labelAt === undefined || edge.label === undefined ? null : (
        <text x={labelAt.x} y={labelAt.y + 4} textAnchor="middle" className="definition-edge-label">
          {edge.label.length > 40 ? `${edge.label.slice(0, 39)}…` : edge.label}
        </text>
      )}
    </g>
  );
}

function Legend() {
  return (
    <figcaption className="definition-legend" aria-label="Task states">
      {[...TASK_STATES, 'none' as const].map((state) => (
        <span key={state} className={`definition-legend-item state-${state}`}>
          <span className="definition-swatch" aria-hidden="true" /> {state === 'none' ? 'not run' : state}
        </span>
      ))}
    </figcaption>
  );
}

export default DefinitionGraphView;

/** Scrolls `box` so that `placed` (in the SVG's pixels) is in view, centred, unless it already is. */
function bringIntoView(box: HTMLElement, placed: PlacedNode): void {
  const [top, bottom] = [placed.y - placed.height / 2, placed.y + placed.height / 2];
  const [left, right] = [placed.x - placed.width / 2, placed.x + placed.width / 2];
  if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) box.scrollTop = Math.max(0, placed.y - box.clientHeight / 2);
  if (left < box.scrollLeft || right > box.scrollLeft + box.clientWidth) box.scrollLeft = Math.max(0, placed.x - box.clientWidth / 2);
}
