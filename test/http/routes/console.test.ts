import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAssets, ConsoleNotBuiltError } from '../../../src/http/console/assets.js';
import { call, problemCode } from '../support/call.js';
import { startService, type TestService } from '../support/service.js';
import { TOKENS_CONF } from '../support/tokens.js';

let s: TestService;
beforeAll(async () => {
  s = await startService({ config: { 'tokens.conf': TOKENS_CONF } });
});
afterAll(async () => s?.stop());

describe('the web console routes', () => {
  it('serve the page at / and /console to anyone, locked to its own origin', async () => {
    for (const url of ['/', '/console']) {
      const page = await call(s.app, 'GET', url);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<script defer src="/console/console.js"></script>');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
    }
    // The data behind it is not public.
    expect(problemCode(await call(s.app, 'GET', '/graph'))).toBe('unauthorized');
  });

  it('serve the built script and stylesheet, revalidated by etag', async () => {
    const script = await call(s.app, 'GET', '/console/console.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body.length).toBeGreaterThan(10_000);
    const styles = await call(s.app, 'GET', '/console/console.css');
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
    const again = await call(s.app, 'GET', '/console/console.js', { headers: { 'if-none-match': String(script.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('serve nothing else under /console', async () => {
    for (const url of ['/console/index.html', '/console/../package.json', '/console/console.js.map', '/console/%2e%2e%2fpackage.json']) {
      expect(problemCode(await call(s.app, 'GET', url)), url).toBe('not_found');
    }
  });
});

describe('the console files', () => {
  it('say how to build them when they are missing, and follow a rebuild', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modloader-console-'));
    try {
      const assets = new ConsoleAssets(dir);
      await expect(assets.get('page')).rejects.toThrow(ConsoleNotBuiltError);
      await expect(assets.get('page')).rejects.toThrow(/npm run build/);
      await writeFile(join(dir, 'index.html'), '<p>one</p>');
      await utimes(join(dir, 'index.html'), 1, 1);
      const first = await assets.get('page');
      expect(first.body.toString()).toBe('<p>one</p>');
      await writeFile(join(dir, 'index.html'), '<p>two!</p>');
      const second = await assets.get('page');
      expect(second.body.toString()).toBe('<p>two!</p>');
      expect(second.etag).not.toBe(first.etag);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
