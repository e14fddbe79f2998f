/** Reading a definition from a .yaml, .yml or .json file. */
import { readFile } from 'node:fs/promises';
import { parseDefinition, type ParseResult } from './parse.js';

/** Reads and validates the file; an unreadable file is an issue too (kind 'syntax'), never a throw. */
export async function loadDefinitionFile(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ kind: 'syntax', file: path, line: 1, column: 1, path: '', message: `cannot read the file: ${reason}` }] };
  }
  return parseDefinition(text, { file: path });
}
