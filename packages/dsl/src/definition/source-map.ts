/**
 * Reading a definition's text: YAML or JSON into a plain value, plus a map from every JSON pointer in
 * it to the line and column where it was written, so each issue can say where to look.
 *
 * JSON is read by `JSON.parse` (its syntax is strict JSON) and mapped by the YAML parser (JSON is
 * YAML 1.2), so both formats share one pointer → position map.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { DefinitionFormat, DefinitionIssue } from './definition.js';
import { pointerOf } from './json-pointer.js';

export interface Position {
  /** 1-based. */
  readonly line: number;
  readonly column: number;
}

export interface SourceText {
  readonly value: unknown;
  /** Where the value at `pointer` (or its nearest written ancestor) starts. */
  positionOf(pointer: string): Position;
}

export type ReadResult = { ok: true; source: SourceText } | { ok: false; issues: DefinitionIssue[] };

/** Parses `text` as `format`; a syntax error becomes a 'syntax' issue at its line and column. */
export function readSource(text: string, format: DefinitionFormat, file: string | undefined): ReadResult {
  const lineCounter = new LineCounter();
  // JSON.parse keeps the last of duplicate keys; the map must not fail on them either.
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: format === 'yaml' });
  const positions = new Map<string, Position>();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      return { ok: false, issues: [jsonSyntaxIssue(error, text, file)] };
    }
    if (document.errors.length === 0) mapNode(document.contents, '', positions, at);
    return { ok: true, source: sourceText(value, positions) };
  }
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => {
        const where = error.linePos?.[0];
        return {
          kind: 'syntax',
          file,
          line: where?.line ?? 1,
          column: where?.col ?? 1,
          path: '',
          message: `not valid YAML: ${(error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '')}`,
        };
      }),
    };
  }
  mapNode(document.contents, '', positions, at);
  return { ok: true, source: sourceText(document.toJS({ maxAliasCount: 1000 }) as unknown, positions) };
}

function sourceText(value: unknown, positions: Map<string, Position>): SourceText {
  return {
    value,
    positionOf(pointer) {
      for (let path = pointer; ; path = path.slice(0, path.lastIndexOf('/'))) {
        const position = positions.get(path);
        if (position !== undefined) return position;
        if (path === '') return { line: 1, column: 1 };
      }
    },
  };
}

/**
 * Records each node's start: for a mapping entry, its key when the value is a collection (the line
 * that names it), else its value (the scalar that is wrong).
 */
function mapNode(node: unknown, pointer: string, positions: Map<string, Position>, at: (offset: number) => Position): void {
  if (!isNode(node)) return;
  if (node.range !== undefined && node.range !== null) positions.set(pointer, at(node.range[0]));
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const child = pointerOf(pointer, key);
      mapNode(pair.value, child, positions, at);
      const keyNode = pair.key;
      if (isNode(keyNode) && keyNode.range && (!isScalar(pair.value) || pair.value.range === undefined)) positions.set(child, at(keyNode.range[0]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => mapNode(item, pointerOf(pointer, String(index)), positions, at));
  }
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

/** JSON.parse says where it stopped as "position N" (and on newer Node also "line L column C"). */
function jsonSyntaxIssue(error: unknown, text: string, file: string | undefined): DefinitionIssue {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  const offset = /position (\d+)/.exec(message);
  let line: number;
  let column: number;
  if (lineColumn !== null) {
    line = Number(lineColumn[1]);
    column = Number(lineColumn[2]);
  } else {
    const stop = offset === null ? text.length : Number(offset[1]);
    const before = text.slice(0, stop).split('\n');
    line = before.length;
    column = (before.at(-1)?.length ?? 0) + 1;
  }
  const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  return { kind: 'syntax', file, line, column, path: '', message: `not valid JSON: ${reason}` };
}
