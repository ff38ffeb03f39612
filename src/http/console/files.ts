/**
 * The files of a built console and where they are: shared by the build (build.ts, which needs
 * esbuild, a devDependency) and the route that serves them (which must not: production images
 * have no devDependencies).
 */
import { join } from 'node:path';

/** The files of a built console, by the name the console route serves them under. */
export const CONSOLE_FILES = {
  page: 'index.html',
  script: 'console.js',
  styles: 'console.css',
} as const;

/** The folder the console is built into, under a checkout's root. */
export function consoleOutDir(root: string): string {
  return join(root, 'dist', 'console');
}
