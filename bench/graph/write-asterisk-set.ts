/**
 * `node dist/bench/graph/write-asterisk-set.js DIR`: writes the real Asterisk module set as
 * stub modules into DIR/modules and a modules.conf into DIR/config, then says how to serve it
 * (to try the console, or the CLI, on a realistic tree of 387 modules).
 */
import { resolve } from 'node:path';
import { asteriskDataPath, writeAsteriskDirs } from './asterisk-set.js';

const dir = process.argv[2];
const file = asteriskDataPath();
if (!dir || !file) {
  process.stderr.write(
    !dir
      ? 'usage: node dist/bench/graph/write-asterisk-set.js DIR\n'
      : 'shared/data/asterisk-modules.json was not found above the checkout: set MODLOADER_ASTERISK_MODULES to it\n',
  );
  process.exit(2);
}
const { modules, config } = await writeAsteriskDirs(resolve(dir), file);
process.stdout.write(`wrote ${modules} and ${config}\nserve it: npx modloader serve --modules ${modules} --config ${config} --port 8089\n`);
