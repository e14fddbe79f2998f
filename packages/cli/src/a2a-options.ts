/**
 * `--a2a` and `--public-url` of the commands that serve the HTTP API (`baton dev`, `baton start`):
 * which workflows are served as an A2A agent's skills (their card at /.well-known/agent-card.json,
 * JSON-RPC at /a2a), and the address clients reach the server at, which the card names.
 */
import type { AnyWorkflow } from '@baton/core';
import type { A2aOptions } from '@baton/server';
import type { Io } from './command.js';
import { UsageError } from './errors.js';

export const A2A_HELP = `  --a2a WORKFLOWS       serve these workflows (names separated by commas, or 'all') as an A2A agent's skills:
                        its card at /.well-known/agent-card.json, JSON-RPC at /a2a (default: $BATON_A2A_WORKFLOWS,
                        else no A2A agent)
  --public-url URL      the address clients reach this server at, named on the agent card (default:
                        $BATON_PUBLIC_URL, else the address each request came to)`;

export const a2aFlags = {
  a2a: { type: 'string' },
  'public-url': { type: 'string' },
} as const;

/** The A2A agent to serve, or undefined for none; names are checked against the workflows the process has. */
export function a2aOptions(
  values: { a2a?: string | undefined; 'public-url'?: string | undefined },
  io: Io,
  command: string,
  workflows: readonly AnyWorkflow[],
): A2aOptions | undefined {
  const chosen = values.a2a ?? nonEmpty(io.env.BATON_A2A_WORKFLOWS);
  const flag = values.a2a === undefined ? '$BATON_A2A_WORKFLOWS' : '--a2a';
  const publicUrl = values['public-url'] ?? nonEmpty(io.env.BATON_PUBLIC_URL);
  if (chosen === undefined) {
    if (values['public-url'] !== undefined) throw new UsageError('--public-url is for the A2A agent card: give --a2a WORKFLOWS too', command);
    return undefined;
  }
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) {
    throw new UsageError(`--public-url must be an http:// or https:// URL, not '${publicUrl}'`, command);
  }
  const url = publicUrl === undefined ? {} : { publicUrl };
  if (chosen.trim() === 'all') return { ...url };
  const names = chosen
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new UsageError(`${flag} needs workflow names separated by commas, or 'all'`, command);
  const known = new Set(workflows.map((w) => w.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const offered = [...known].filter((name) => !name.startsWith('baton.')).join(', ') || 'none (give --workflows PATH)';
    throw new UsageError(`${flag} names ${unknown.map((n) => `'${n}'`).join(', ')}, not among the workflows loaded: ${offered}`, command);
  }
  return { workflows: names, ...url };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
