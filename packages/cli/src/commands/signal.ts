/** `baton signal`: sends a signal to a run (an approval, an answer); it is kept until the run takes it. */
import { defineCommand, jsonArgument } from '../command.js';
import { CONNECTION_HELP, connectionOptions, withBackend } from '../backend/backend.js';

export const signalCommand = defineCommand({
  name: 'signal',
  summary: 'send a signal to a run',
  help: `Usage: baton signal ID NAME [--data JSON] [--db FILE | --url URL --key KEY]

Sends signal NAME to run ID. A run waiting for it wakes up; otherwise it is kept until the run asks.

Options:
  --data JSON           the signal's payload (@file.json reads it from a file)
${CONNECTION_HELP}
  -h, --help            show this help`,
  args: ['ID', 'NAME'],
  options: { ...connectionOptions, data: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [id = '', name = ''] = positionals;
    const data = jsonArgument(values.data, '--data', 'signal', io);
    return withBackend(values, io, 'signal', { mustExist: true }, async (backend) => {
      await backend.signal(id, name, data);
      io.out(`sent signal ${name} to run ${id}`);
      return 0;
    });
  },
});
