/**
 * Fails when the modules of a package import each other in a cycle (relative imports of `src/`).
 * Type-only imports count too: a cycle of types is still two modules that cannot be read, moved or
 * tested apart. Every cycle is reported as a strongly connected component with all of its files.
 * Cross-package cycles are already impossible: project references only point one way.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// Static `import … from`, `export … from` (type-only or not) and side-effect `import '…'`.
const IMPORT = /(?:^|\n)\s*(?:(?:import|export)\s[^'"]*?from\s+|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The source file a relative specifier names: `./x.js` is `./x.ts` or `./x.tsx`. */
function sourceOf(from: string, specifier: string): string {
  const path = resolve(dirname(from), specifier);
  const stem = path.replace(/\.(js|jsx|ts|tsx)$/, '');
  for (const candidate of [`${stem}.ts`, `${stem}.tsx`, join(stem, 'index.ts'), join(stem, 'index.tsx')]) {
    if (existsSync(candidate)) return candidate;
  }
  return path;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => sourceOf(file, match[1]!));
}

/** Tarjan's algorithm: the strongly connected components of more than one file, or of one that imports itself. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) components.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return components;
}

const cycles: string[][] = [];
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const src = join(root, 'packages', pkg, 'src');
  let files: string[];
  try {
    files = sources(src).sort();
  } catch {
    continue;
  }
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, [...new Set(importsOf(f).filter((to) => known.has(to)))]]));
  cycles.push(...cyclesOf(graph));
}

if (cycles.length > 0) {
  for (const cycle of cycles) {
    const within = (file: string): string[] =>
      importsOf(file)
        .filter((to) => cycle.includes(to))
        .map((to) => relative(root, to));
    console.error(`import cycle among ${cycle.length} files:`);
    for (const file of cycle) console.error(`  ${relative(root, file)} -> ${[...new Set(within(file))].join(', ')}`);
  }
  process.exit(1);
}
console.log('no import cycles');
