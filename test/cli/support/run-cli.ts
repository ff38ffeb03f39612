/**
 * Runs the CLI from the TypeScript sources in a child process (through vite-node), exactly as
 * bin/modloader.js runs the compiled one: `process.exitCode = await main(argv)`. vite-node's
 * dev server installs its own SIGTERM/SIGINT exit handlers, which the real entry point does
 * not have; they are removed so the command's own graceful shutdown is what is tested.
 */
import { main } from '../../../src/cli/main.js';

process.removeAllListeners('SIGTERM');
process.removeAllListeners('SIGINT');
process.exitCode = await main(process.argv.slice(2));
