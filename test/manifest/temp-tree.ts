/** Real files in a fresh temporary directory, for the manifest tools' tests. */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../src/core/manifest.js';
import { generateManifests, type GenerateOptions, type GenerateResult } from '../../src/manifest/generate/generate.js';
import { parseManifest } from '../../src/manifest/parse.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/manifest/', import.meta.url));

const made: string[] = [];

/** A new empty directory, removed by {@link removeTempDirs}. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modloader-manifest-'));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Writes `files` (path relative to `dir` → content) and returns `dir`. */
export async function writeTree(dir: string, files: Record<string, string | Buffer>): Promise<string> {
  const entries = Object.entries(files);
  for (const sub of new Set(entries.map(([path]) => dirname(join(dir, path))))) await mkdir(sub, { recursive: true });
  await Promise.all(entries.map(([path, content]) => writeFile(join(dir, path), content)));
  return dir;
}

/** A copy of a fixture tree in a temp dir (so generated manifests never land in the repo). */
export async function copyFixture(name: string): Promise<string> {
  const dir = await tempDir();
  await cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

export async function readManifest(path: string): Promise<Manifest> {
  const parsed = parseManifest(await readFile(path, 'utf8'), path);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.manifest;
}

/** Generates from `files` in a fresh dir; answers the result and the manifests by name. */
export async function generateFrom(
  files: Record<string, string | Buffer>,
  options: GenerateOptions = {},
): Promise<{ dir: string; result: GenerateResult; manifests: Map<string, Manifest> }> {
  const dir = await writeTree(await tempDir(), files);
  const result = await generateManifests(dir, options);
  const manifests = new Map<string, Manifest>();
  for (const path of result.written) {
    const manifest = await readManifest(path);
    manifests.set(manifest.name, manifest);
  }
  return { dir, result, manifests };
}

/** A JS module source with the given MODULEINFO lines (and DOCUMENTATION lines, if any). */
export function jsModule(moduleInfo: string[], documentation: string[] = []): string {
  const blocks = [`/*** MODULEINFO\n${moduleInfo.map((l) => `\t${l}`).join('\n')}\n ***/`];
  if (documentation.length > 0) blocks.push(`/*** DOCUMENTATION\n${documentation.map((l) => `\t${l}`).join('\n')}\n ***/`);
  return `${blocks.join('\n\n')}\n\nexport function load() {}\n`;
}
