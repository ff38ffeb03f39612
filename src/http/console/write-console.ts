/** `npm run build` step: builds the web console into `dist/console/` (see build.ts). */
import { packageRoot } from '../settings.js';
import { buildConsole } from './build.js';

const { outDir, sizes } = await buildConsole(packageRoot());
const listed = Object.entries(sizes).map(([file, bytes]) => `${file} ${(bytes / 1024).toFixed(1)} KiB`);
process.stdout.write(`console: built ${outDir} (${listed.join(', ')})\n`);
