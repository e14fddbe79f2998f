/** `baton retry`: runs a failed run again from its failed step; completed steps are not run again. */
import { Client } from '@baton/core';
import { commonOptions, databasePath, defineCommand } from '../command.js';
import { withStore } from '../store.js';

export const retryCommand = defineCommand({
  name: 'retry',
  summary: 'run a failed run again from its failed step',
  help: `Usage: baton retry ID [--db FILE]

Queues the failed run ID again. Its completed steps keep their results; the failed step and
what follows run again on a worker.

Options:
  --db FILE             database file (default: $BATON_DB, else .baton/baton.db)
  -h, --help            show this help`,
  args: ['ID'],
  options: { ...commonOptions },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withStore(databasePath(values.db, io), { mustExist: true }, async (store) => {
      await new Client({ store }).retry(id);
      io.out(`run ${id} queued again; a worker will pick it up`);
      return 0;
    });
  },
});
