/** `baton signal`: sends a signal to a run (an approval, an answer); it is kept until the run takes it. */
import { Client } from '@baton/core';
import { commonOptions, databasePath, defineCommand, jsonArgument } from '../command.js';
import { withStore } from '../store.js';

export const signalCommand = defineCommand({
  name: 'signal',
  summary: 'send a signal to a run',
  help: `Usage: baton signal ID NAME [--data JSON] [--db FILE]

Sends signal NAME to run ID. A run waiting for it wakes up; otherwise it is kept until the run asks.

Options:
  --data JSON           the signal's payload (@file.json reads it from a file)
  --db FILE             database file (default: $BATON_DB, else .baton/baton.db)
  -h, --help            show this help`,
  args: ['ID', 'NAME'],
  options: { ...commonOptions, data: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [id = '', name = ''] = positionals;
    const data = jsonArgument(values.data, '--data', 'signal', io);
    return withStore(databasePath(values.db, io), { mustExist: true }, async (store) => {
      await new Client({ store }).signal(id, name, data);
      io.out(`sent signal ${name} to run ${id}`);
      return 0;
    });
  },
});
