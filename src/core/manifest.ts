/**
 * The manifest as the loader core sees it (SPEC 3): already parsed and validated. The zod
 * schema in `src/manifest/schema.ts` produces exactly this type; the core never parses text.
 */

/** Asterisk's load priorities in load order (SPEC 6.6). `default` is used when none is set. */
export const LOAD_PRIORITIES = [
  'realtime_depend',
  'realtime_depend2',
  'realtime_driver',
  'core',
  'timing',
  'channel_depend',
  'channel_driver',
  'app_depend',
  'devstate_provider',
  'devstate_plugin',
  'cdr_driver',
  'default',
  'devstate_consumer',
] as const;
export type LoadPriority = (typeof LOAD_PRIORITIES)[number];

export const SUPPORT_LEVELS = ['core', 'extended', 'deprecated'] as const;
export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

/** A `type=name` line of `[uses]` or `[canuse]`. `module=X` names module X itself. */
export interface Ref {
  type: string;
  name: string;
}

/** A `type=name[:priority]` line of `[provides]`; priority defaults to 0, higher wins. */
export interface ProvidedRef extends Ref {
  priority: number;
}

export interface Manifest {
  name: string;
  /** 32 hex digits (md5 of the binary) or `sha256:<64 hex>`. */
  checksum: string;
  support_level?: SupportLevel | undefined;
  load_priority?: LoadPriority | undefined;
  export_globals: boolean;
  config: string[];
  description?: string | undefined;
  uses: Ref[];
  canuse: Ref[];
  /** What the file lists; the implicit `module=<name>` is not included. */
  provides: ProvidedRef[];
}

/** The checksum algorithm a manifest's checksum was made with. */
export function checksumAlgorithm(checksum: string): 'md5' | 'sha256' {
  return checksum.startsWith('sha256:') ? 'sha256' : 'md5';
}

/** The bare hex digest of a manifest checksum (without the `sha256:` prefix). */
export function checksumDigest(checksum: string): string {
  return checksum.startsWith('sha256:') ? checksum.slice('sha256:'.length) : checksum;
}
