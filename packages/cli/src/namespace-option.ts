/**
 * `--namespace NS` (baton dev, worker): the tenant namespace this process's code-declared schedules
 * and event triggers belong to, and so the runs they start. The process still runs the runs of every
 * namespace whose workflows it has.
 */
import { isNamespaceName } from '@baton/core';
import type { Io } from './command.js';
import { UsageError } from './errors.js';

export const namespaceFlags = { namespace: { type: 'string' } } as const;

export const NAMESPACE_HELP = `  --namespace NS        namespace of the schedules and event triggers the workflows declare, and of the
                        runs they start (default: $BATON_NAMESPACE, else default); runs of every
                        namespace are still executed here`;

/** The namespace given by --namespace or $BATON_NAMESPACE, checked; undefined for the engine's default. */
export function namespaceOption(flag: string | undefined, io: Io, command: string): string | undefined {
  const given = flag ?? (io.env.BATON_NAMESPACE === '' ? undefined : io.env.BATON_NAMESPACE);
  if (given === undefined) return undefined;
  if (!isNamespaceName(given)) {
    throw new UsageError(
      `${flag === undefined ? '$BATON_NAMESPACE' : '--namespace'} must be 1-100 letters, digits, spaces and . _ : / @ -, starting with a letter or digit, not '${given.slice(0, 100)}'`,
      command,
    );
  }
  return given;
}
