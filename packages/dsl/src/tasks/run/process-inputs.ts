/** The data a process receives, as the DSL gives it: `arguments` (argv) and `stdin`. */
import { standardFault } from '../../runtime/workflow-fault.js';

/** `arguments` as argv strings: a string stays as it is, any other value is its JSON. */
export function argumentList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw standardFault('configuration', `${what}: arguments must be a list.`);
  return value.map((item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item ?? null)));
}

/** `stdin` as text (a value that is not a string is written as JSON); undefined when there is none. */
export function stdinText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
