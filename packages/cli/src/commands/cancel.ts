/** `baton cancel`: cancels a run; its running step is aborted and its compensations run. */
import { defineCommand } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';

export const cancelCommand = defineCommand({
  name: 'cancel',
  summary: 'cancel a run',
  help: `Usage: baton cancel ID [--reason TEXT] [--db FILE | --url URL --key KEY]

Cancels run ID. A queued run is cancelled at once; a running or waiting run is cancelled by the
worker that executes it (its running step is aborted, its compensations run).

Options:
  --reason TEXT         why, recorded in the run's error
${CONNECTION_HELP}
  -h, --help            show this help`,
  args: ['ID'],
  options: { ...connectionOptions, reason: { type: 'string' } },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withBackend(values, io, 'cancel', { mustExist: true }, async (backend) => {
      const run = await backend.cancel(id, values.reason);
      io.out(run.status === 'cancelled' ? `run ${id} cancelled` : `run ${id}: cancel requested (it is ${run.status}; its worker cancels it)`);
      return 0;
    });
  },
});
