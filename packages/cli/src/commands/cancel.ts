/** `baton cancel`: cancels a run; its running step is aborted and its compensations run. */
import { Client } from '@baton/core';
import { commonOptions, databasePath, defineCommand } from '../command.js';
import { withStore } from '../store.js';

export const cancelCommand = defineCommand({
  name: 'cancel',
  summary: 'cancel a run',
  help: `Usage: baton cancel ID [--reason TEXT] [--db FILE]

Cancels run ID. A queued run is cancelled at once; a running or waiting run is cancelled by the
worker that executes it (its running step is aborted, its compensations run).

Options:
  --reason TEXT         why, recorded in the run's error
  --db FILE             database file (default: $BATON_DB, else .baton/baton.db)
  -h, --help            show this help`,
  args: ['ID'],
  options: { ...commonOptions, reason: { type: 'string' } },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withStore(databasePath(values.db, io), { mustExist: true }, async (store) => {
      const run = await new Client({ store }).cancel(id, values.reason);
      io.out(run.status === 'cancelled' ? `run ${id} cancelled` : `run ${id}: cancel requested (it is ${run.status}; its worker cancels it)`);
      return 0;
    });
  },
});
