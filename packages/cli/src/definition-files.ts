/**
 * Definition files (`.yaml`, `.yml`, `.json`) given to --workflows or to `baton run`/`baton deploy`:
 * each read, validated and turned into the workflow that runs it. Every problem of every file is
 * reported at once (file, line, column, JSON path), and none of them runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { BatonError, ErrorCode, errorMessage, hasErrorCode, type AnyWorkflow } from '@baton/core';
import { readDefinition, workflowOfDefinition, type Definition, type DefinitionIssue, type InterpreterOptions } from '@baton/dsl';
import { CliError, CliErrorCode } from './errors.js';

const DEFINITION_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export function isDefinitionFile(path: string): boolean {
  return DEFINITION_EXTENSIONS.has(extname(path).toLowerCase());
}

/** The definition files a path names: itself, or those in a folder and its subfolders (sorted). */
export function definitionFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) files.push(...definitionFiles(full));
    else if (isDefinitionFile(entry.name)) files.push(full);
  }
  return files;
}

/** One issue as a line: `file:line:column: /path: message`. */
export function issueLine(issue: DefinitionIssue, file?: string): string {
  const where = [issue.file ?? file, issue.line, issue.column].filter((part) => part !== undefined).join(':');
  return `${where === '' ? '' : `${where}: `}${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`;
}

/** The issues a failed read or build carries (or one made of its message). */
export function issuesOf(error: unknown, file: string): DefinitionIssue[] {
  const issues = hasErrorCode(error, ErrorCode.InvalidDefinition) ? ((error as BatonError).details?.issues as DefinitionIssue[] | undefined) : undefined;
  return issues !== undefined && issues.length > 0 ? issues : [{ kind: 'syntax', file, path: '', message: errorMessage(error) }];
}

/** Reads and validates the files; throws BATON_INVALID_DEFINITION listing every issue of every file. */
export async function readDefinitionFiles(files: readonly string[]): Promise<Definition[]> {
  const definitions: Definition[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError(CliErrorCode.WorkflowsLoadFailed, `Cannot read ${file}: ${errorMessage(error)}`, { cause: error });
    }
    try {
      definitions.push(await readDefinition(text, { file, format: extname(file).toLowerCase() === '.json' ? 'json' : 'yaml' }));
    } catch (error) {
      problems.push(...issuesOf(error, file).map((issue) => issueLine(issue, file)));
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return definitions;
}

/** The workflows that run the definitions in these files (and folders). */
export async function loadDefinitionFiles(paths: readonly string[], options: InterpreterOptions): Promise<AnyWorkflow[]> {
  const definitions = await readDefinitionFiles(paths.flatMap(definitionFiles));
  const workflows: AnyWorkflow[] = [];
  const problems: string[] = [];
  for (const definition of definitions) {
    try {
      workflows.push(workflowOfDefinition(definition, options));
    } catch (error) {
      problems.push(...issuesOf(error, definition.source.file ?? '').map((issue) => issueLine(issue, definition.source.file)));
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return workflows;
}

function invalid(problems: string[]): BatonError {
  return new BatonError(ErrorCode.InvalidDefinition, `invalid definitions:\n  ${problems.join('\n  ')}`, { retryable: false });
}
