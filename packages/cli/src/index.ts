/**
 * @baton/cli: `main(argv)` dispatches to the commands; the helpers are exported for programs that
 * embed the CLI's pieces (loading a workflows module, formatting engine events).
 */
import type { Command, Io } from './command.js';
import { cancelCommand } from './commands/cancel.js';
import { devCommand } from './commands/dev.js';
import { deployCommand } from './commands/deploy.js';
import { startCommand } from './commands/start.js';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys.js';
import { resumeCommand, retryCommand } from './commands/requeue.js';
import { mcpCommand } from './commands/mcp.js';
import { migrateCommand } from './commands/migrate.js';
import { planCommand } from './commands/plan.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { runsListCommand } from './commands/runs-list.js';
import { runsShowCommand } from './commands/runs-show.js';
import { signalCommand } from './commands/signal.js';
import { simulateCommand } from './commands/simulate.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { UsageError, reportError } from './errors.js';
import { cliVersion } from './version.js';

export type { Command, Io } from './command.js';
export { DEFAULT_DB_PATH } from './command.js';
export { CliError, CliErrorCode, ExitCode, UsageError, reportError } from './errors.js';
export { loadWorkflows } from './load-workflows.js';
export { interpreterOptions } from './dsl-options.js';
export type { DemoContext, DemoFunction, LoadedWorkflows } from './load-workflows.js';
export { eventLine, lineLogger, toJson } from './output.js';

export const commands: readonly Command[] = [
  devCommand,
  startCommand,
  workerCommand,
  runCommand,
  deployCommand,
  runsListCommand,
  runsShowCommand,
  signalCommand,
  cancelCommand,
  retryCommand,
  resumeCommand,
  replayCommand,
  migrateCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  validateCommand,
  planCommand,
  simulateCommand,
  mcpCommand,
];

/** Runs the CLI with `argv` (the arguments after `baton`) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    return await dispatch([...argv], io);
  } catch (error) {
    const report = reportError(error);
    io.err(report.line);
    if (io.env.BATON_DEBUG === '1' && error instanceof Error && error.stack !== undefined) io.err(error.stack);
    return report.exitCode;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    io.out(mainHelp());
    return 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.out(cliVersion());
    return 0;
  }
  if (first === 'help') return rest.length === 0 ? dispatch(['--help'], io) : dispatch([...rest, '--help'], io);
  if (first === 'runs') return dispatchRuns(rest, io);
  if (first === 'keys') return dispatchKeys(rest, io);
  const command = commands.find((c) => c.name === first);
  if (command === undefined) {
    throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command '${first}'`);
  }
  return command.execute(rest, io);
}

/** `baton keys create|list|revoke`. */
async function dispatchKeys(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  const command = [keysCreateCommand, keysListCommand, keysRevokeCommand].find((c) => c.name === `keys ${sub}`);
  if (command !== undefined) return command.execute(rest, io);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(
      `Usage: baton keys create|list|revoke ...\n\n  keys create   ${keysCreateCommand.summary}\n  keys list     ${keysListCommand.summary}\n  keys revoke ID  ${keysRevokeCommand.summary}`,
    );
    return 0;
  }
  throw new UsageError(`unknown command 'keys ${sub}' (use keys create, keys list or keys revoke ID)`, 'keys');
}

/** `baton runs` alone (or with list's flags) lists runs. */
async function dispatchRuns(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return runsListCommand.execute(rest, io);
  if (sub === 'show') return runsShowCommand.execute(rest, io);
  if (sub === '--help' || sub === '-h') {
    io.out(`Usage: baton runs list|show ...\n\n  runs list     ${runsListCommand.summary}\n  runs show ID  ${runsShowCommand.summary}`);
    return 0;
  }
  if (sub === undefined || sub.startsWith('-')) return runsListCommand.execute(argv, io);
  throw new UsageError(`unknown command 'runs ${sub}' (use runs list or runs show ID)`, 'runs');
}

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `Usage: baton COMMAND [options]

Baton runs durable workflows: steps are checkpointed, so runs survive crashes and restarts.

Commands:
${lines.join('\n')}

Every command takes --help, and all but validate take --db FILE (default: $BATON_DB, else
.baton/baton.db). run, runs, signal, cancel, retry, resume and keys also work through a server's
HTTP API: --url URL --key KEY (or $BATON_URL and $BATON_KEY). validate checks Serverless Workflow
definitions (YAML/JSON files or folders) without a database. plan writes a definition from a
description with a model ($BATON_AI_MODEL), on a temporary database unless --db is given; simulate
shows what a definition will do on a private in-memory one. replay checks new code against the
journals of real runs before a deploy (exit 1 when a run would diverge).
Exit codes: 0 success, 1 the operation failed, 2 the command line is wrong.
Set BATON_DEBUG=1 to see the stack trace of an error. baton --version prints the version.`;
}

function processIo(): Io {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}
