/**
 * A simulation's path as people read it: one line per task in the order tasks started, indented by
 * depth, saying how it ended, where it is, what kind of task it is, the branch or flow it took, where
 * a simulated answer came from, and a short preview of its output (or its error's title).
 */
import type { SimulatedTask } from '@baton/dsl';

const PREVIEW = 60;

export function pathLines(path: readonly SimulatedTask[]): string[] {
  return path.map((task) => {
    const parts = [`${'  '.repeat(task.depth)}${task.status.padEnd(9)} ${task.reference}${task.qualifier}`, task.kind];
    if (task.branch !== undefined) parts.push(`branch: ${task.branch}`);
    if (task.then !== undefined) parts.push(`then: ${task.then}`);
    if (task.answeredBy !== undefined) parts.push(`answered by: ${task.answeredBy}`);
    if (task.error !== undefined) parts.push(`error: ${task.error.status} ${task.error.title ?? task.error.type}`);
    else if (task.output !== undefined) parts.push(`→ ${preview(task.output)}`);
    return parts.join('  ');
  });
}

/** JSON on one line, cut to a readable length. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length <= PREVIEW ? text : `${text.slice(0, PREVIEW - 1)}…`;
}
