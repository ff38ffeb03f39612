/**
 * The bytes of module binaries as the startup scan read and hashed them, kept for the loads
 * that follow at once (SPEC 6.11's startup), so each binary is read once: the host answers a
 * load's checksum with the scan's digest, and evaluates those very bytes, when the file is
 * still the one the scan read (same device, inode, size, modification and change times).
 * Each entry serves one load and is dropped; the service drops what is left after startup.
 * Bounded: past `budgetBytes` the scan keeps digests only, and those loads read the file.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** What tells one version of a file from another without reading it. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface ScannedBinary {
  path: string;
  bytes: Buffer;
  algorithm: 'md5' | 'sha256';
  /** Hex digest of `bytes` in `algorithm`. */
  digest: string;
  identity: FileIdentity;
}

export class ScannedBinaries {
  private readonly entries = new Map<string, ScannedBinary>();
  private bytes = 0;

  constructor(readonly budgetBytes = 64 * 1024 * 1024) {}

  /** Keeps module `name`'s binary unless that would pass the budget; says whether it did. */
  keep(name: string, binary: ScannedBinary): boolean {
    this.release(name);
    if (this.bytes + binary.bytes.length > this.budgetBytes) return false;
    this.entries.set(name, binary);
    this.bytes += binary.bytes.length;
    return true;
  }

  /** Removes and answers what was kept for `name`. */
  take(name: string): ScannedBinary | undefined {
    const binary = this.entries.get(name);
    if (binary) this.release(name);
    return binary;
  }

  /** Drops everything (after startup: later loads read their binaries). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private release(name: string): void {
    const binary = this.entries.get(name);
    if (!binary) return;
    this.entries.delete(name);
    this.bytes -= binary.bytes.length;
  }
}

export function identityOf(stats: Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** Reads a file and tells which version of it was read: open, fstat, read, close, as `readFileSync` does. */
export function readWithIdentity(path: string): { bytes: Buffer; identity: FileIdentity } {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const read = readSync(fd, bytes, filled, bytes.length - filled, null);
      if (read === 0) break;
      filled += read;
    }
    return { bytes: filled === bytes.length ? bytes : bytes.subarray(0, filled), identity: identityOf(stats) };
  } finally {
    closeSync(fd);
  }
}
