/** `baton validate`: checks workflow definitions (Serverless Workflow 1.0 YAML/JSON) without running them. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatIssues, loadDefinitionFile, type DefinitionIssue } from '@baton/dsl';
import { defineCommand } from '../command.js';
import { UsageError } from '../errors.js';

const DEFINITION_FILE = /\.(ya?ml|json)$/i;

interface FileReport {
  file: string;
  valid: boolean;
  workflow?: string;
  version?: string;
  issues: DefinitionIssue[];
}

export const validateCommand = defineCommand({
  name: 'validate',
  summary: 'check workflow definitions (YAML/JSON) without running them',
  help: `Usage: baton validate FILE... [--json]

Checks Serverless Workflow 1.0 definitions: YAML or JSON syntax, the DSL's schema, task names and
then targets, declared functions, errors, retries, authentications and secrets, and that every
runtime expression compiles in jq. A folder stands for every .yaml, .yml and .json file inside it.

Prints 'ok FILE (NAME VERSION)' on stdout per valid file and each invalid file's issues on stderr,
one per line: FILE:LINE:COLUMN  PATH  MESSAGE.
Exit codes: 0 all valid, 1 some file is not, 2 the command line is wrong (no file, a missing file).

Options:
  --json                print every file's result as JSON on stdout instead
  -h, --help            show this help`,
  args: ['FILE...'],
  options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  async run({ values, positionals }, io) {
    const files = positionals.flatMap((given) => definitionFiles(given, resolve(io.cwd, given)));
    const reports: FileReport[] = [];
    for (const { shown, path } of files) {
      const result = await loadDefinitionFile(path);
      const issues = result.issues.map((issue) => ({ ...issue, file: shown }));
      reports.push(
        result.ok
          ? { file: shown, valid: true, workflow: result.definition.workflowName, version: result.definition.version, issues: [] }
          : { file: shown, valid: false, issues },
      );
    }
    if (values.json === true) {
      io.out(JSON.stringify(reports, null, 2));
    } else {
      for (const report of reports) {
        if (report.valid) io.out(`ok ${report.file} (${report.workflow ?? ''} ${report.version ?? ''})`);
        else io.err(formatIssues(report.issues));
      }
    }
    return reports.every((report) => report.valid) ? 0 : 1;
  },
});

/** The file itself, or every definition file under a folder (sorted; hidden folders and node_modules skipped). */
function definitionFiles(given: string, path: string): { shown: string; path: string }[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`no such file or folder: ${given}`, 'validate');
  }
  if (!isFolder) return [{ shown: given, path }];
  const found = readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((relative) => DEFINITION_FILE.test(relative) && !relative.split(/[\\/]/).some((part) => part.startsWith('.') || part === 'node_modules'))
    .filter((relative) => statSync(join(path, relative)).isFile())
    .sort();
  if (found.length === 0) throw new UsageError(`no .yaml, .yml or .json files in ${given}`, 'validate');
  return found.map((relative) => ({ shown: join(given, relative), path: join(path, relative) }));
}
