/**
 * Hot install (SPEC 6.10): a new scan of the module directory is applied. New manifests are
 * added, changed ones replace the old (a running module keeps the dependencies it was bound
 * to; a changed binary shows as `stale`), removed ones go (a running module's entry stays until
 * it stops).
 */
import type { RescanSummary, ScanResult } from '../api.js';
import { emit, type Core, type Op } from '../core.js';
import { checksumDigest, type Manifest } from '../manifest.js';
import { isActive } from '../state.js';
import type { OpResult } from '../types.js';

export function rescan(core: Core, op: Op, scan: ScanResult): OpResult & { rescan: RescanSummary } {
  const summary: RescanSummary = { added: [], changed: [], removed: [], stale: [] };
  const seen = new Set<string>();
  for (const manifest of scan.manifests) {
    seen.add(manifest.name);
    const disk = scan.binaries.get(manifest.name);
    const existing = core.table.get(manifest.name);
    if (!existing) {
      core.table.add(manifest, disk);
      summary.added.push(manifest.name);
      emit(core, 'manifest_add', manifest.name, op, {});
      continue;
    }
    existing.removed = false;
    if (sameManifest(existing.manifest, manifest) && existing.diskChecksum === disk) continue;
    existing.manifest = manifest;
    existing.diskChecksum = disk;
    const stale = isActive(existing.state) && existing.libChecksum !== null && disk !== checksumDigest(existing.libChecksum);
    summary.changed.push(manifest.name);
    if (stale) summary.stale.push(manifest.name);
    emit(core, 'manifest_change', manifest.name, op, { stale });
  }
  for (const entry of [...core.table.values()]) {
    if (seen.has(entry.name) || entry.removed) continue;
    summary.removed.push(entry.name);
    if (isActive(entry.state)) entry.removed = true;
    else core.table.delete(entry);
    emit(core, 'manifest_remove', entry.name, op, {});
  }
  core.table.reindex();
  return { op: op.op, plan: op.steps, dry_run: false, rescan: summary };
}

function sameManifest(a: Manifest, b: Manifest): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
