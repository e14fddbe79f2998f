/**
 * `run.script`: `js` (also `javascript`) runs on this worker's Node.js as an ES module, `python` on
 * `python3` when the worker has it. The code (inline `code`, or `source.endpoint` read over HTTP in
 * the step) is written to a file of its own, so argv is what the spec's examples read:
 * `process.argv[2]` / `sys.argv[1]` is the first of `arguments`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '../../runtime/evaluator.js';
import type { RunFrame, TaskSite } from '../executor.js';
import { standardFault } from '../../runtime/workflow-fault.js';
import type { ProcessTask } from './process-task.js';
import { processEnvironment } from './process-runner.js';
import { argumentList, stdinText } from './process-inputs.js';

const LANGUAGES: Readonly<Record<string, { program: () => string; file: string }>> = {
  js: { program: () => process.execPath, file: 'script.mjs' },
  javascript: { program: () => process.execPath, file: 'script.mjs' },
  python: { program: () => 'python3', file: 'script.py' },
};

export function scriptProcess(frame: RunFrame, site: TaskSite, script: Record<string, unknown>, input: unknown, scope: Scope): ProcessTask {
  const what = `The script of ${site.reference}`;
  const language = LANGUAGES[String(script.language)];
  if (language === undefined) {
    throw standardFault('configuration', `${what} is in '${String(script.language)}': the languages are js and python.`, { instance: site.reference });
  }
  if (typeof script.code !== 'string' && script.source === undefined) {
    throw standardFault('configuration', `${what} needs code or source.`, { instance: site.reference });
  }
  return {
    kind: 'script',
    async prepare(signal) {
      const evaluated = (await frame.evaluator.template(
        { arguments: script.arguments ?? [], environment: script.environment ?? {}, stdin: script.stdin ?? null },
        input,
        scope,
      )) as { arguments: unknown; environment: unknown; stdin: unknown };
      const { arguments: args, environment, stdin } = evaluated;
      const code = typeof script.code === 'string' ? script.code : await sourceText(frame, script.source, signal, what);
      const dir = await mkdtemp(join(tmpdir(), 'baton-script-'));
      const file = join(dir, language.file);
      await writeFile(file, code, 'utf8');
      // Removed when the process has ended (see cleanup); a process not awaited leaves its file in the temp folder.
      const spec = {
        program: language.program(),
        argv: [file, ...argumentList(args, what)],
        env: processEnvironment(environment, what),
        what,
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
      const text = stdinText(stdin);
      return text === undefined ? spec : { ...spec, stdin: text };
    },
  };
}

/** The script's source read over HTTP (`source.endpoint`: a URI or `{ uri }`), through the operator's host aliases. */
async function sourceText(frame: RunFrame, source: unknown, signal: AbortSignal, what: string): Promise<string> {
  const endpoint = (source as { endpoint?: unknown } | undefined)?.endpoint;
  const uri = typeof endpoint === 'string' ? endpoint : (endpoint as { uri?: unknown } | undefined)?.uri;
  if (typeof uri !== 'string') throw standardFault('configuration', `${what}: source.endpoint needs a URI.`);
  if (typeof endpoint === 'object' && (endpoint as { authentication?: unknown }).authentication !== undefined) {
    throw standardFault('configuration', `${what}: a script source with authentication is not supported; serve it without, or inline the code.`);
  }
  const url = aliased(new URL(uri), frame.options.hostAliases);
  let response: Response;
  try {
    response = await (frame.options.fetch ?? fetch)(url, { signal });
  } catch (error) {
    throw standardFault('communication', `${what}: reading ${uri} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw standardFault('communication', `${what}: reading ${uri} answered HTTP ${response.status}.`, { status: response.status });
  return response.text();
}

function aliased(url: URL, aliases: Readonly<Record<string, string>> | undefined): string {
  const target = aliases?.[url.host] ?? aliases?.[url.hostname];
  if (target === undefined) return url.href;
  const base = new URL(target);
  return new URL(`${url.pathname.replace(/^\//, '')}${url.search}`, base.href.endsWith('/') ? base.href : `${base.href}/`).href;
}
