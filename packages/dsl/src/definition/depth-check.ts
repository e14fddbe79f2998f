/**
 * Definitions are read by recursive checks (the DSL's schema, references, expressions), so a
 * document nested absurdly deep is refused up front, measured without recursion. Real definitions
 * stay far below the limit; hostile ones never reach the recursive checks.
 */
import type { DefinitionIssue } from './definition.js';

/** The deepest nesting of objects and arrays a definition may have. */
export const MAX_DEFINITION_DEPTH = 128;
/** The deepest indentation of a line of YAML, in spaces. */
const MAX_INDENTATION = 4 * MAX_DEFINITION_DEPTH;

/** An issue when `value` nests objects and arrays deeper than MAX_DEFINITION_DEPTH, else undefined. */
export function depthIssue(value: unknown): Omit<DefinitionIssue, 'file' | 'line' | 'column'> | undefined {
  const pending: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (pending.length > 0) {
    const { value: current, depth, path } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_DEFINITION_DEPTH) {
      return { kind: 'schema', path, message: `the definition nests objects and arrays more than ${MAX_DEFINITION_DEPTH} levels deep here: flatten it` };
    }
    for (const [key, child] of Object.entries(current)) {
      pending.push({ value: child, depth: depth + 1, path: `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` });
    }
  }
  return undefined;
}

/**
 * The same limit on the text, before any parser sees it (parsers recurse too): the nesting of
 * `[` and `{` outside quoted strings and comments, and indentation (YAML's block nesting) of at
 * most MAX_INDENTATION spaces.
 */
export function textDepthIssue(text: string): Omit<DefinitionIssue, 'file'> | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      let indent = 0;
      while (text[lineStart + indent] === ' ') indent++;
      if (indent > MAX_INDENTATION) return tooDeep(line, indent);
    } else if (c === '"' || c === "'") {
      // A quoted string: skip to its end (\" escapes in double quotes, '' in single quotes).
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === '\\' && c === '"') i++;
        else if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEFINITION_DEPTH) return tooDeep(line, i - lineStart + 1);
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

function tooDeep(line: number, column: number): Omit<DefinitionIssue, 'file'> {
  return {
    kind: 'syntax',
    path: '',
    line,
    column,
    message: `the definition nests objects and arrays more than ${MAX_DEFINITION_DEPTH} levels deep here: flatten it`,
  };
}
