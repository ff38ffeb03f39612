/**
 * What `modloader serve` imports before it listens stays small (docs/operations.md, "The first
 * instants"): every module reachable from bin/modloader.js's command through static imports
 * (the heavy ones are imported dynamically once it listens) is one of Node's own or a file of
 * this repo, never an npm package (fastify, zod, pino …). Read from the sources with the
 * TypeScript parser: `import type` is erased, but under verbatimModuleSyntax an import whose
 * names are all marked `type` still loads its module, so it counts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/http/settings.js';

const root = packageRoot();

/** The module specifiers `file` loads when it is evaluated. */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

/** Every file and package reachable from `entry` through static imports. */
function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) stack.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { files: [...files].map((f) => relative(root, f)).sort(), packages: [...packages].sort() };
}

describe("modloader serve's early path", () => {
  it('imports only Node modules and files of this repo before it listens', () => {
    // bin/modloader.js imports main.ts, which imports the command's file: both dynamically.
    for (const entry of ['src/cli/main.ts', 'src/cli/serve-command.ts']) {
      const { files, packages } = reachable(join(root, entry));
      expect(packages.filter((p) => !p.startsWith('node:')), entry).toEqual([]);
      expect(files, entry).not.toContain('src/http/service.ts');
    }
    expect(reachable(join(root, 'src/cli/serve-command.ts')).files).toContain('src/http/early/early-listener.ts');
  });
});
