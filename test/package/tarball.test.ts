/**
 * The package as npm publishes it: `npm pack` ships the compiled code (dist/, built by
 * `prepack`), the committed API documents the service serves, the sample modules and config,
 * and nothing of the tests or sources; installed into an empty folder, its `modloader` bin runs.
 * The pack here skips the scripts: it packs the dist/ that installing the checkout built, with
 * the same build `prepack` runs.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/http/settings.js';

const run = promisify(execFile);
const root = packageRoot();
const work = await mkdtemp(join(tmpdir(), 'modloader-pack-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the built code, the documents and the sample set, and no tests or sources', { timeout: 120_000 }, async () => {
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
    const [pack] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = pack!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/modloader.js',
        'dist/src/cli/main.js',
        'dist/routes/index.js',
        'openapi/openapi.json',
        'openapi/asyncapi.json',
        'modules/chan_sip.js',
        'modules/chan_sip.manifest',
        'config/modules.conf',
        'contrib/systemd/modloader.service',
      ]),
    );
    expect(files.filter((f) => /^(test|src|routes|bench)\/|^dist\/bench\/|\.map$|\.ts$|^config\/tokens\.conf$/.test(f))).toEqual([]);

    // Installed into an empty folder the way a user would, the command works.
    const project = join(work, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), '{ "name": "uses-modloader", "private": true }\n');
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, pack!.filename)], { cwd: project });
    const help = await run(join(project, 'node_modules/.bin/modloader'), ['--help'], { cwd: project });
    expect(help.stdout).toMatch(/^Usage: modloader <command>/);
    const serveHelp = await run(join(project, 'node_modules/.bin/modloader'), ['serve', '--help'], { cwd: project });
    expect(serveHelp.stdout).toMatch(/^Usage: modloader serve/);
  });
});
