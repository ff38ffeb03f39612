/**
 * The Dockerfile, checked without a Docker engine: what it copies from the build context is
 * there (and not excluded by .dockerignore), its labels say the package's version, and its
 * HEALTHCHECK command, run for real against a listening service, asks the readiness endpoint at
 * the address the service published (so a --port given at run time is followed).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { listen, localUrl, publishUrl } from '../../src/http/server.js';
import { packageRoot } from '../../src/http/settings.js';
import { startService } from '../http/support/service.js';

const root = packageRoot();
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
const lines = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
const ignored = picomatch(
  readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .flatMap((p) => [p, `${p}/**`]),
);

/** The HEALTHCHECK's command (exec form). */
const healthcheck = JSON.parse(/^HEALTHCHECK .*CMD (\[.*\])$/m.exec(lines.join('\n'))![1]!) as string[];

function runCheck(env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    execFile(healthcheck[0] === 'node' ? process.execPath : healthcheck[0]!, healthcheck.slice(1), { env: { ...process.env, ...env } }, (err) =>
      resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
    );
  });
}

describe('the Dockerfile', () => {
  it('copies only what the build context has', () => {
    const sources = lines
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources).toContain('openapi');
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored(source), `${source} is excluded by .dockerignore`).toBe(false);
    }
  });

  it('labels the image with the OCI keys and the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(dockerfile).toContain(`ARG VERSION=${version}`);
    for (const key of ['title', 'description', 'version', 'revision', 'licenses']) expect(dockerfile).toContain(`org.opencontainers.image.${key}=`);
  });

  it('checks health on the readiness endpoint at the address the service published', async () => {
    expect(healthcheck.join(' ')).toContain('/health/ready');
    expect(healthcheck.join(' ')).not.toMatch(/127\.0\.0\.1|MODLOADER_PORT/);
    const urlFile = /MODLOADER_URL_FILE=(\S+)/.exec(dockerfile)![1]!;
    expect(urlFile).toMatch(/^\/tmp\//);

    const s = await startService();
    try {
      const { port } = await listen(s, { host: '127.0.0.1', port: 0 });
      const file = join(s.dirs.root, 'modloader.url');
      expect(await runCheck({ MODLOADER_URL_FILE: file })).toBe(1); // not listening yet (no file)
      await publishUrl(s, file, localUrl('0.0.0.0', port));
      expect(readFileSync(file, 'utf8')).toBe(`http://127.0.0.1:${port}\n`);
      expect(await runCheck({ MODLOADER_URL_FILE: file })).toBe(0);
    } finally {
      await s.stop();
    }
  });
});
