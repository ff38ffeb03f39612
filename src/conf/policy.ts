/**
 * Builds the core's {@link Policy} (SPEC 5) from the parsed admin config files. Each file is
 * optional; an absent one contributes what {@link emptyPolicy} has.
 */
import { emptyPolicy, type Policy } from '../core/policy.js';
import type { ConfigFile } from '../core/types.js';
import type { ConfError } from './conf-error.js';
import { readDialplan } from './dialplan.js';
import { readExtconfig } from './extconfig.js';
import { readModulesConf } from './modules-conf.js';

export interface PolicyFiles {
  modules?: ConfigFile | null | undefined;
  extensions?: ConfigFile | null | undefined;
  extconfig?: ConfigFile | null | undefined;
}

/**
 * The policy the three files describe, and every finding that kept an entry out of it (each
 * naming its file and line). Never throws on bad content: what cannot be used is reported in
 * `errors` and skipped; non-fatal notes (neverload beats load, …) are in `policy.warnings`.
 * Whether `errors` are fatal is the caller's decision.
 */
export function buildPolicy(files: PolicyFiles): { policy: Policy; errors: ConfError[] } {
  const policy = emptyPolicy();
  const errors: ConfError[] = [];
  if (files.modules) {
    const read = readModulesConf(files.modules);
    Object.assign(policy, read.policy);
    errors.push(...read.errors);
  }
  if (files.extensions) {
    const read = readDialplan(files.extensions);
    policy.dialplan = read.dialplan;
    policy.warnings.push(...read.warnings);
    errors.push(...read.errors);
  }
  if (files.extconfig) {
    const read = readExtconfig(files.extconfig);
    policy.extconfig = read.extconfig;
    errors.push(...read.errors);
  }
  return { policy, errors };
}

export type { Policy };
