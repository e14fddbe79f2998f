/**
 * Each PostgreSQL function has one home: functions/<name>.sql, its current definition (CREATE OR
 * REPLACE FUNCTION …). A migration that (re)defines a function says so in one line,
 *
 *   -- @function apply_batch
 *
 * and the line is replaced by the file's text when the migrations are loaded, so the function is
 * created inside that migration's transaction, beside the table changes it goes with. A name with no
 * file fails the load. Migrations up to 0019 predate this and define their functions inline; they
 * stay as they landed, and the files hold the latest of those definitions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError, ErrorCode } from '@baton/core';

/** Where the function files live (packages/postgres/functions). */
export const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));

/** A directive line: `-- @function <name>`, alone on its line. */
const DIRECTIVE = /^--[ \t]*@function[ \t]+(\S+)[ \t]*$/gm;

const FUNCTION_NAME = /^[a-z_][a-z0-9_]*$/;

/** The current definition of function `name` (the text of functions/<name>.sql). */
export function functionDefinition(name: string, dir = FUNCTIONS_DIR): string | undefined {
  if (!FUNCTION_NAME.test(name)) return undefined;
  const file = join(dir, `${name}.sql`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * `sql` (the text of migration `migration`) with each `-- @function <name>` line replaced by the
 * function's file. Throws for a name with no file.
 */
export function expandFunctionDirectives(sql: string, migration: string, dir = FUNCTIONS_DIR): string {
  return sql.replace(DIRECTIVE, (_line, name: string) => {
    const definition = functionDefinition(name, dir);
    if (definition === undefined) {
      throw new BatonError(
        ErrorCode.StoreError,
        `Migration ${migration} refers to the function '${name}' (-- @function ${name}), but there is no ${name}.sql in ${dir}: add the file or correct the name.`,
        { retryable: false },
      );
    }
    return definition;
  });
}
