/**
 * `run.shell`: the command runs under `/bin/sh -c`, exactly as written in the definition, and its
 * `arguments` are the shell's positional parameters (`$1`, `$2`, … and `"$@"`), passed as argv: a
 * value from the data stays one argument whatever it holds (`; rm -rf /` included) and is never part
 * of a command line. So the command itself may not be a runtime expression: data reaches it through
 * `arguments`, `environment` and `stdin`, which may be.
 */
import type { Scope } from '../../runtime/evaluator.js';
import type { RunFrame, TaskSite } from '../executor.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import { isRuntimeExpression } from '../../expressions/expression.js';
import type { ProcessTask } from './process-task.js';
import { processEnvironment } from './process-runner.js';
import { argumentList, stdinText } from './process-inputs.js';

const SHELL = '/bin/sh';

export function shellProcess(frame: RunFrame, site: TaskSite, shell: Record<string, unknown>, input: unknown, scope: Scope): ProcessTask {
  const what = `The shell command of ${site.reference}`;
  const command = shell.command;
  if (typeof command !== 'string' || command.trim() === '')
    throw standardFault('configuration', `${what} needs a command (a string).`, { instance: site.reference });
  if (isRuntimeExpression(command)) {
    throw standardFault(
      'configuration',
      `${what} is a runtime expression: a command line is never built from data. Write the command as text and pass values as arguments ("$1", "$@"), environment or stdin.`,
      { instance: site.reference },
    );
  }
  return {
    kind: 'shell',
    async prepare() {
      const evaluated = (await frame.evaluator.template(
        { arguments: shell.arguments ?? [], environment: shell.environment ?? {}, stdin: shell.stdin ?? null },
        input,
        scope,
      )) as { arguments: unknown; environment: unknown; stdin: unknown };
      const { arguments: args, environment, stdin } = evaluated;
      const spec = { program: SHELL, argv: ['-c', command, 'sh', ...argumentList(args, what)], env: processEnvironment(environment, what), what };
      const text = stdinText(stdin);
      return text === undefined ? spec : { ...spec, stdin: text };
    },
  };
}
