/**
 * The proposal's `make check` (SPEC 4): lints a module directory's manifests without loading
 * anything. Finds schema errors, checksums that don't match the binary beside the manifest,
 * binaries that are missing, `uses` that no manifest provides, and dependency cycles, resolving
 * through providers with the core's own graph functions, so the check agrees with the loader.
 */
import { findCycles } from '../core/graph/cycles.js';
import { ProviderIndex } from '../core/graph/providers.js';
import { checksumDigest, type Manifest } from '../core/manifest.js';
import { mapBounded } from './bounded-map.js';
import { scanIniLines } from './ini-lines.js';
import { installedBinary } from './installed-binary.js';
import { formatProblem } from './problem.js';
import { listManifestFiles, readManifestFile } from './read.js';

export const FINDING_KINDS = ['schema', 'checksum_mismatch', 'missing_binary', 'unresolved', 'cycle'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  /** The manifest file the finding is about. */
  file: string;
  /** The line in `file`, where known. */
  line?: number | undefined;
  kind: FindingKind;
  message: string;
}

/** One line: `file[:line]: kind: message`. */
export function formatFinding(finding: Finding): string {
  const where = finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
  return `${where}: ${finding.kind}: ${finding.message}`;
}

interface Checked {
  file: string;
  text: string;
  manifest: Manifest;
}

export interface CheckOptions {
  /** Files read and hashed at once (default 32). */
  concurrency?: number | undefined;
}

/**
 * Every finding for the manifests in `dir`, sorted by file and line; empty when all is well.
 * Rejects only when `dir` itself can't be listed.
 */
export async function checkManifests(dir: string, options: CheckOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const files = await listManifestFiles(dir);
  const read = await mapBounded(files, options.concurrency ?? 32, async (file) => {
    const parsed = await readManifestFile(file);
    if (!parsed.ok) {
      for (const p of parsed.errors) findings.push({ file, line: p.line, kind: 'schema', message: withoutLocation(formatProblem(p), p.file, p.line) });
      return undefined;
    }
    findings.push(...(await checkBinary(dir, file, parsed.text ?? '', parsed.manifest)));
    return { file, text: parsed.text ?? '', manifest: parsed.manifest };
  });
  const valid = read.filter((c): c is Checked => c !== undefined);
  findings.push(...checkGraph(valid));
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}

/** `[module] key: message` without the `file:line: ` the finding carries on its own. */
function withoutLocation(text: string, file: string, line: number | undefined): string {
  const prefix = line === undefined ? `${file}: ` : `${file}:${line}: `;
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

async function checkBinary(dir: string, file: string, text: string, manifest: Manifest): Promise<Finding[]> {
  let binary;
  try {
    binary = await installedBinary(dir, manifest);
  } catch (err) {
    return [{ file, kind: 'missing_binary', message: `the binary can't be read: ${(err as Error).message}` }];
  }
  if (binary === null) {
    return [{ file, kind: 'missing_binary', message: `no ${manifest.name}.js, .mjs or .cjs beside the manifest` }];
  }
  if (binary.digest !== checksumDigest(manifest.checksum)) {
    return [
      {
        file,
        line: lineOf(text, 'module', 'checksum'),
        kind: 'checksum_mismatch',
        message: `the manifest says ${manifest.checksum} but ${binary.path} has ${binary.digest}`,
      },
    ];
  }
  return [];
}

/** Unresolved uses and cycles, over the valid manifests only. */
function checkGraph(valid: Checked[]): Finding[] {
  const findings: Finding[] = [];
  const index = new ProviderIndex(valid.map((c) => c.manifest));
  const byName = new Map(valid.map((c) => [c.manifest.name, c]));
  const successors = new Map<string, string[]>();

  for (const { file, text, manifest } of valid) {
    const next = new Set<string>();
    for (const use of manifest.uses) {
      const best = index.best(use.type, use.name);
      if (best) {
        next.add(best.module);
        continue;
      }
      findings.push({
        file,
        line: lineOf(text, 'uses', use.type, use.name),
        kind: 'unresolved',
        message:
          use.type === 'module'
            ? `[uses] module=${use.name}: there is no manifest for ${use.name}`
            : `[uses] ${use.type}=${use.name}: no manifest provides it`,
      });
    }
    successors.set(manifest.name, [...next]);
  }

  const names = [...byName.keys()].sort();
  for (const cycle of findCycles(names, (n) => successors.get(n) ?? [])) {
    const first = byName.get(cycle[0] ?? '');
    findings.push({ file: first?.file ?? '', kind: 'cycle', message: `dependency cycle: ${cycle.join(' -> ')}` });
  }
  return findings;
}

/** The line of `key[=value]` in `[section]` of a manifest's text, if it is there. */
function lineOf(text: string, section: string, key: string, value?: string): number | undefined {
  for (const l of scanIniLines(text)) {
    if (l.kind !== 'entry' || l.section !== section || l.key !== key) continue;
    if (value === undefined) return l.line;
    const raw = text.split(/\r\n|\r|\n/)[l.line - 1] ?? '';
    const written = raw.slice(raw.indexOf('=') + 1).trim().replace(/^"(.*)"$/, '$1');
    if (written === value) return l.line;
  }
  return undefined;
}
