/**
 * `run` (spec "Run"): `workflow` as a Baton child run, `shell` and `script` as a process on the
 * worker (each refused unless the operator enables it, see run/process-task.ts), and `container`
 * refused: Baton runs no containers (it would need a container runtime on every worker and a say in
 * images, pulls and clean-up that an engine should not own); a container's work is reached through
 * `run.shell` or an HTTP service instead.
 *
 * `await: false` starts the process or the child run and goes on: the output is then the task's
 * input, as the spec says.
 */
import { standardFault } from '../runtime/workflow-fault.js';
import type { CompoundExecutor } from './executor.js';
import { resolveChild, runChild } from './run/child-workflow.js';
import { assertAllowed, runProcessTask } from './run/process-task.js';
import { scriptProcess } from './run/script-process.js';
import { shellProcess } from './run/shell-process.js';

export const runExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, scope, frame, site }) {
    const run = (task.run ?? {}) as Record<string, unknown>;
    const wait = run.await !== false;
    if (run.workflow !== undefined) {
      const spec = run.workflow as { namespace?: unknown; name?: unknown; version?: unknown; input?: unknown };
      if (typeof spec.namespace !== 'string' || typeof spec.name !== 'string') {
        throw standardFault('configuration', 'run.workflow needs a namespace and a name.', { instance: site.reference });
      }
      const version = typeof spec.version === 'string' && spec.version !== 'latest' ? spec.version : undefined;
      const workflow = resolveChild(frame, site, `${spec.namespace}.${spec.name}`, version);
      const childInput = spec.input === undefined ? {} : await frame.evaluator.template(spec.input, input, scope);
      const output = await runChild(frame, site, workflow, childInput, wait);
      return { output: wait ? output : input };
    }
    if (run.shell !== undefined) {
      assertAllowed(frame, 'shell', site);
      return { output: await runProcessTask(frame, site, task, input, shellProcess(frame, site, run.shell as Record<string, unknown>, input, scope)) };
    }
    if (run.script !== undefined) {
      assertAllowed(frame, 'script', site);
      return { output: await runProcessTask(frame, site, task, input, scriptProcess(frame, site, run.script as Record<string, unknown>, input, scope)) };
    }
    if (run.container !== undefined) {
      throw standardFault(
        'configuration',
        'run.container is not supported: Baton does not run containers; use run.shell (a command such as `docker run`, when the operator allows it) or call an HTTP service.',
        { instance: site.reference },
      );
    }
    throw standardFault('configuration', 'run needs one of workflow, shell, script or container.', { instance: site.reference });
  },
};
