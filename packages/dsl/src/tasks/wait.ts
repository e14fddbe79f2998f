/** `wait`: a durable sleep (the run holds no worker memory meanwhile); the output is the input. */
import { durationMs } from '../runtime/duration.js';
import type { CompoundExecutor } from './executor.js';

export const waitExecutor: CompoundExecutor = {
  kind: 'compound',
  async perform({ task, input, frame, site }) {
    await frame.ctx.sleep(durationMs(task.wait, `The wait of ${site.reference}`));
    return { output: input };
  },
};
