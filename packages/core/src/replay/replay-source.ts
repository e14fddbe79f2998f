/** The workflow code's own line in a stack: the first frame that is not Baton's or Node's. */

const OWN_FRAME = /[\\/](?:packages[\\/](?:core|ai|mcp|a2a|dsl)[\\/](?:dist|src)|node_modules[\\/]@baton[\\/][^\\/]+)[\\/]/;
const FRAME = /^\s*at (?:async )?(?:.*? \()?(.*?:\d+:\d+)\)?\s*$/;

/** `file:line:column` of the first frame outside Baton and Node, or undefined. */
export function workflowSource(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME.exec(line);
    const location = match?.[1];
    if (location === undefined || location.startsWith('node:') || OWN_FRAME.test(location)) continue;
    // A loader's query (tsx marks its modules `?tsx-namespace=…`) is not part of the file's name.
    return location.replace(/^file:\/\//, '').replace(/\?[^:]*(?=:\d+:\d+$)/, '');
  }
  return undefined;
}

/** Checks running now, and the limit to restore when the last one ends (checks may overlap). */
let deepening = 0;
let restoreTo = Error.stackTraceLimit;

/** Runs `fn` with deeper stacks, so a frame of the workflow's code is in them even under extensions. */
export async function withDeepStacks<T>(fn: () => Promise<T>): Promise<T> {
  if (deepening++ === 0) {
    restoreTo = Error.stackTraceLimit;
    Error.stackTraceLimit = Math.max(restoreTo, 50);
  }
  try {
    return await fn();
  } finally {
    if (--deepening === 0) Error.stackTraceLimit = restoreTo;
  }
}
