/**
 * MCP tool names for workflow names. Many MCP clients pass tool names on to model APIs that accept
 * only letters, digits, `_` and `-` (at most 64), so `orders.refund` is offered as `orders_refund`;
 * the map back to the workflow is kept by the caller.
 */

/** The tools every Baton MCP server has; a workflow never takes one of these names. */
export const RUN_TOOLS = ['get_run', 'wait_run', 'send_signal', 'cancel_run', 'list_waiting_runs'] as const;

/** A workflow name that is a tool name as it is. */
const VALID = /^[A-Za-z0-9_-]{1,60}$/;

/**
 * The tool name of each workflow name, unique among `names` and the run tools (a clash gets `_2`,
 * `_3`…). A name that is a valid tool name as it is keeps it, whatever else is listed, so that a
 * workflow registered or deployed later (`orders.refund` beside `orders_refund`) never takes over the
 * tool name a client already calls.
 */
export function toolNames(names: readonly string[]): Map<string, string> {
  const taken = new Set<string>(RUN_TOOLS);
  const exact = new Set<string>();
  for (const name of names) {
    if (VALID.test(name) && !taken.has(name)) {
      taken.add(name);
      exact.add(name);
    }
  }
  const result = new Map<string, string>();
  for (const name of names) {
    if (exact.has(name)) {
      result.set(name, name);
      continue;
    }
    const base = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'workflow';
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}_${n}`;
    taken.add(candidate);
    result.set(name, candidate);
  }
  return result;
}
