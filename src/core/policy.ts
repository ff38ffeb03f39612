/**
 * The admin's policy (SPEC 5) as the core consumes it: already parsed from `modules.conf`,
 * `extensions.conf` and `extconfig.conf` by `src/conf/`. Every entry keeps the file and line it
 * came from, so refusals and cycle reports can say where an edge was declared.
 */

/** Where something was declared. */
export interface Origin {
  file: string;
  line: number;
}

/** A module named in `[modules]` (`load=`, `require=`, …), name already stripped of `.so`. */
export interface PolicyModuleEntry extends Origin {
  name: string;
}

/** An admin-declared dependency from `modules.conf` `[uses]`: `module` uses `type=name`. */
export interface PolicyUse extends Origin {
  module: string;
  type: string;
  name: string;
}

/** One dialplan step that runs an application: `exten => ext,prio,App(args)`. */
export interface DialplanEntry extends Origin {
  context: string;
  exten: string;
  priority: string;
  app: string;
}

/** `[settings]` line of extconfig.conf: `<file> => <driver>,<database>[,<table>]`. */
export interface ExtconfigEntry extends Origin {
  /** The config file being mapped to realtime, e.g. `extensions.conf`. */
  config: string;
  /** The realtime driver, e.g. `sqlite3`; resolved through `realtime=<driver>` providers. */
  driver: string;
  database: string;
  table?: string | undefined;
}

export interface Policy {
  autoload: boolean;
  require: PolicyModuleEntry[];
  preload: PolicyModuleEntry[];
  load: PolicyModuleEntry[];
  noload: PolicyModuleEntry[];
  neverload: PolicyModuleEntry[];
  uses: PolicyUse[];
  dialplan: DialplanEntry[];
  extconfig: ExtconfigEntry[];
  /** Non-fatal findings while reading the policy (e.g. `neverload` beats `load`). */
  warnings: Array<Origin & { message: string }>;
}

/** The policy of an absent configuration: nothing autoloads, nothing is banned. */
export function emptyPolicy(): Policy {
  return {
    autoload: false,
    require: [],
    preload: [],
    load: [],
    noload: [],
    neverload: [],
    uses: [],
    dialplan: [],
    extconfig: [],
    warnings: [],
  };
}
