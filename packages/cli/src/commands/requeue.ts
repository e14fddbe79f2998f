/** `baton retry` and `baton resume`: queue a failed run again, with or without its failed steps set aside. */
import { defineCommand } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';

function requeueCommand(mode: 'retry' | 'resume', summary: string, description: string) {
  return defineCommand({
    name: mode,
    summary,
    help: `Usage: baton ${mode} ID [--db FILE | --url URL --key KEY]

${description}

Options:
${CONNECTION_HELP}
  -h, --help            show this help`,
    args: ['ID'],
    options: { ...connectionOptions },
    async run({ values, positionals }, io) {
      const id = positionals[0] ?? '';
      return withBackend(values, io, mode, { mustExist: true }, async (backend) => {
        await (mode === 'retry' ? backend.retry(id) : backend.resume(id));
        io.out(`run ${id} queued again; a worker will pick it up`);
        return 0;
      });
    },
  });
}

export const retryCommand = requeueCommand(
  'retry',
  'run a failed run again from its failed step',
  `Queues the failed run ID again. Its completed steps keep their results; the failed step and
what follows run again on a worker.`,
);

export const resumeCommand = requeueCommand(
  'resume',
  'continue a failed run with its journal as it is',
  `Queues the failed run ID again with its journal unchanged (baton retry, by contrast, forgets the
failed step's attempts). Use it after deploying a fix for a failure of the workflow code itself,
such as a non-determinism error.`,
);
