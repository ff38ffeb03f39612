/**
 * `extconfig.conf` (SPEC 5): `[settings]` lines `<file or family> => <driver>,<database>[,<table>]`
 * map a config file (or a realtime family) to a realtime driver. The loader makes every module
 * that lists the file in its manifest `config=` depend on the provider of `realtime=<driver>`.
 */
import type { ExtconfigEntry } from '../core/policy.js';
import type { ConfigFile } from '../core/types.js';
import { ConfError } from './conf-error.js';
import { bareExcerpt, excerpt } from './excerpt.js';

const KEY = /^[A-Za-z0-9_.-]+$/;
const DRIVER = /^[A-Za-z0-9_-]+$/;

/** Reads a parsed extconfig.conf. Never throws: an unusable line becomes a {@link ConfError}. */
export function readExtconfig(file: ConfigFile): { extconfig: ExtconfigEntry[]; errors: ConfError[] } {
  const extconfig: ExtconfigEntry[] = [];
  const errors: ConfError[] = [];
  for (const section of file.sections) {
    if (section.name.toLowerCase() !== 'settings') {
      errors.push(new ConfError('unknown_section', file.file, section.line, `[${bareExcerpt(section.name)}] is not an extconfig.conf section (expected [settings])`));
      continue;
    }
    for (const entry of section.entries) {
      const [driver = '', database = '', table, ...extra] = entry.value.split(',').map((part) => part.trim());
      if (!KEY.test(entry.key)) {
        errors.push(new ConfError('invalid_value', file.file, entry.line, `${excerpt(entry.key)} is not a config file or family name`));
      } else if (!DRIVER.test(driver) || database === '' || table === '' || extra.length > 0) {
        errors.push(new ConfError('invalid_value', file.file, entry.line, `${entry.key} => expects <driver>,<database>[,<table>]`));
      } else {
        extconfig.push({ config: entry.key, driver, database, table, file: file.file, line: entry.line });
      }
    }
  }
  return { extconfig, errors };
}
