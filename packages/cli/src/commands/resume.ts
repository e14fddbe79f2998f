/** `baton resume`: continues a failed run with its journal as it is (after fixing the code, say). */
import { Client } from '@baton/core';
import { commonOptions, databasePath, defineCommand } from '../command.js';
import { withStore } from '../store.js';

export const resumeCommand = defineCommand({
  name: 'resume',
  summary: 'continue a failed run with its journal as it is',
  help: `Usage: baton resume ID [--db FILE]

Queues the failed run ID again with its journal unchanged (baton retry, by contrast, forgets the
failed step's attempts). Use it after deploying a fix for a failure of the workflow code itself,
such as a non-determinism error.

Options:
  --db FILE             database file (default: $BATON_DB, else .baton/baton.db)
  -h, --help            show this help`,
  args: ['ID'],
  options: { ...commonOptions },
  async run({ values, positionals }, io) {
    const id = positionals[0] ?? '';
    return withStore(databasePath(values.db, io), { mustExist: true }, async (store) => {
      await new Client({ store }).resume(id);
      io.out(`run ${id} queued again; a worker will pick it up`);
      return 0;
    });
  },
});
