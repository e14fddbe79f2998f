/**
 * The API report: the public surface of every entry point of every package (each `exports` entry with
 * types), read from the built `.d.ts` with the TypeScript compiler API and written as one file per
 * entry under `api/` (`api/core.api.md`, `api/core.store-kit.api.md`, `api/server.client.api.md`…).
 * The files are checked in so that a change to the public API shows in review as a change to them;
 * tests/api-report.test.ts fails when the built packages no longer match them.
 *
 *   npm run api:report     rewrites api/ from the built packages (run `npm run build` first)
 *
 * The text is stable across runs and machines: names sorted by code unit, declarations printed
 * without comments, no paths but the package-relative entry file, no dates.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
/** Where the reports live, relative to the repository root. */
export const API_DIR = 'api';
const REPORT_SUFFIX = '.api.md';

/** One entry point of one package: `@baton/core/store-kit` is built to `packages/core/dist/store-kit.d.ts`. */
interface Entry {
  specifier: string;
  /** Report file name: the package name without its scope, then the subpath with `/` as `.`. */
  file: string;
  /** The built declaration file, relative to the repository root. */
  types: string;
}

interface ExportedName {
  name: string;
  kind: string;
  declaration: string;
}

/** Every typed entry of every workspace package's `exports` map, in workspace order. */
function entries(): Entry[] {
  const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  const found: Entry[] = [];
  for (const workspace of workspaces) {
    const manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === 'object' && target !== null ? (target as { types?: unknown }).types : undefined;
      if (typeof types !== 'string') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const file = specifier.replace(/^@[^/]+\//, '').replaceAll('/', '.') + REPORT_SUFFIX;
      found.push({ specifier, file, types: join(workspace, types).replaceAll('\\', '/') });
    }
  }
  return found;
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** `export declare function f…` and `export default class…` read as `function f…`, `class…`. */
function withoutExport(text: string): string {
  return text.replace(/^(export\s+)?(default\s+)?(declare\s+)?/, '');
}

/**
 * A host that reads the repository's own declaration files and sees every dependency's as an empty
 * module: parsing the dependencies' declarations would take most of the time, and the report only
 * names what a package re-exports from a dependency, not the dependency's own surface.
 */
function repositoryHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName.includes('/node_modules/') ? ts.createSourceFile(fileName, 'export {};', languageVersion) : getSourceFile(fileName, languageVersion, ...rest);
  return host;
}

/** The module a name re-exported from a dependency comes from (`ai`, `@hono/zod-openapi`), if it is one. */
function dependencySource(checker: ts.TypeChecker, symbol: ts.Symbol): string | undefined {
  let current = symbol;
  while (current.flags & ts.SymbolFlags.Alias) {
    const next = checker.getImmediateAliasedSymbol(current);
    if (next === undefined || (next.declarations ?? []).length === 0) {
      const statement = ts.findAncestor(current.declarations?.[0], (n) => ts.isImportDeclaration(n) || ts.isExportDeclaration(n));
      const specifier = statement && (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) ? statement.moduleSpecifier : undefined;
      return specifier && ts.isStringLiteral(specifier) ? specifier.text : undefined;
    }
    current = next;
  }
  return undefined;
}

/** A long string constant (a prompt, a guide) reads as `string`: its wording is not the API. */
const LONG_LITERAL = 120;

function isHidden(member: ts.ClassElement): boolean {
  if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) return true;
  return (ts.getCombinedModifierFlags(member as unknown as ts.Declaration) & ts.ModifierFlags.Private) !== 0;
}

/** A class as its users see it: its heritage and its public and protected members (what a subclass may use). */
function printClass(node: ts.ClassDeclaration, sourceFile: ts.SourceFile): string {
  const modifiers = node.modifiers?.filter((m) => m.kind === ts.SyntaxKind.AbstractKeyword);
  const members = node.members.filter((m) => !isHidden(m));
  const visible = ts.factory.updateClassDeclaration(node, modifiers, node.name, node.typeParameters, node.heritageClauses, members);
  return printer.printNode(ts.EmitHint.Unspecified, visible, sourceFile);
}

/** The kind and the declared text of one declaration of an exported symbol. */
function describe(declaration: ts.Declaration): { kind: string; text: string } {
  const sourceFile = declaration.getSourceFile();
  const print = (node: ts.Node): string => withoutExport(printer.printNode(ts.EmitHint.Unspecified, node, sourceFile));
  if (ts.isSourceFile(declaration)) return { kind: 'namespace', text: `namespace (all of ${sourceFile.fileName.slice(root.length + 1)})` };
  if (ts.isClassDeclaration(declaration)) {
    const abstract = declaration.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword) ?? false;
    return { kind: abstract ? 'abstract class' : 'class', text: printClass(declaration, sourceFile) };
  }
  if (ts.isVariableDeclaration(declaration)) {
    const flags = ts.getCombinedNodeFlags(declaration);
    const kind = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
    const init = declaration.initializer;
    if (init !== undefined && ts.isStringLiteral(init) && init.text.length > LONG_LITERAL)
      return { kind, text: `${kind} ${declaration.name.getText()}: string;` };
    return { kind, text: `${kind} ${print(declaration)};` };
  }
  const kind = ts.isFunctionDeclaration(declaration)
    ? 'function'
    : ts.isInterfaceDeclaration(declaration)
      ? 'interface'
      : ts.isTypeAliasDeclaration(declaration)
        ? 'type'
        : ts.isEnumDeclaration(declaration)
          ? 'enum'
          : ts.isModuleDeclaration(declaration)
            ? 'namespace'
            : ts.SyntaxKind[declaration.kind];
  return { kind, text: print(declaration) };
}

/** Each name an entry exports, resolved through re-exports to what declares it. */
function exportedNames(checker: ts.TypeChecker, sourceFile: ts.SourceFile): ExportedName[] {
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (moduleSymbol === undefined) return [];
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const described = (target.declarations ?? []).map(describe);
    if (described.length === 0) {
      const from = dependencySource(checker, symbol);
      if (from !== undefined) return { name: symbol.name, kind: 're-export', declaration: `export { ${symbol.name} } from '${from}';` };
      return { name: symbol.name, kind: 'unresolved', declaration: '(no declaration found)' };
    }
    const kinds = [...new Set(described.map((d) => d.kind))];
    return { name: symbol.name, kind: kinds.join(' + '), declaration: described.map((d) => d.text).join('\n\n') };
  });
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function render(entry: Entry, names: ExportedName[]): string {
  const lines = [
    `# ${entry.specifier}`,
    '',
    `The public surface of \`${entry.specifier}\` (\`${entry.types}\`): ${names.length} exported names, each with its kind and`,
    'its declaration. Written by `npm run api:report` from the built packages; do not edit by hand. A change',
    'to this file is a change to the public API.',
  ];
  for (const { name, kind, declaration } of [...names].sort((a, b) => byCodeUnit(a.name, b.name))) {
    lines.push('', `## ${name} (${kind})`, '', '```ts', declaration, '```');
  }
  return `${lines.join('\n')}\n`;
}

/** The report of every entry, by file name under `api/`, built in memory from the packages' `dist`. */
export function apiReports(): Map<string, string> {
  const all = entries();
  const missing = all.filter((entry) => !existsSync(join(root, entry.types)));
  if (missing.length > 0) {
    throw new Error(`The API report reads the built packages, and ${missing.map((e) => e.types).join(', ')} is missing: run \`npm run build\` first.`);
  }
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    noLib: true,
    types: [],
  };
  const program = ts.createProgram({ rootNames: all.map((entry) => join(root, entry.types)), options, host: repositoryHost(options) });
  const checker = program.getTypeChecker();
  const reports = new Map<string, string>();
  for (const entry of all) {
    const sourceFile = program.getSourceFile(join(root, entry.types));
    if (sourceFile === undefined) throw new Error(`${entry.types} could not be read`);
    reports.set(entry.file, render(entry, exportedNames(checker, sourceFile)));
  }
  return reports;
}

/** The checked-in reports, by file name under `api/`. */
export function checkedInReports(): Map<string, string> {
  const dir = join(root, API_DIR);
  if (!existsSync(dir)) return new Map();
  const files = readdirSync(dir).filter((name) => name.endsWith(REPORT_SUFFIX));
  return new Map(files.sort(byCodeUnit).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** Rewrites `api/` to match the built packages; removes the reports of entries that are gone. */
function writeReports(): void {
  const dir = join(root, API_DIR);
  mkdirSync(dir, { recursive: true });
  const reports = apiReports();
  for (const name of checkedInReports().keys()) if (!reports.has(name)) rmSync(join(dir, name));
  for (const [name, text] of reports) writeFileSync(join(dir, name), text);
  console.log(`api report: ${reports.size} entry points written to ${API_DIR}/`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) writeReports();
