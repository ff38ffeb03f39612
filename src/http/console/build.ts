/**
 * Builds the web console (`console/`) into the files the service serves: the TypeScript
 * bundled by esbuild into one script, the stylesheet, and the page. Run at `npm install` (the
 * `build` script) and before the tests (test/global-setup.ts), so what is served is always
 * built from the sources in the checkout; nothing of it is committed.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CONSOLE_FILES, consoleOutDir } from './files.js';

export interface ConsoleBuild {
  outDir: string;
  /** Size in bytes of each file written. */
  sizes: Record<string, number>;
}

/** Bundles `<root>/console` into `outDir` (created if needed). Throws on a compile error. */
export async function buildConsole(root: string, outDir = consoleOutDir(root)): Promise<ConsoleBuild> {
  const source = join(root, 'console');
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [
      { in: join(source, 'src', 'main.ts'), out: 'console' },
      { in: join(source, 'styles.css'), out: 'console' },
    ],
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  await copyFile(join(source, 'index.html'), join(outDir, CONSOLE_FILES.page));
  const sizes: Record<string, number> = {};
  for (const file of Object.values(CONSOLE_FILES)) sizes[file] = (await stat(join(outDir, file))).size;
  return { outDir, sizes };
}
