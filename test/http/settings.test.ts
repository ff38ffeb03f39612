import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, readServeSettings, SettingsError } from '../../src/http/settings.js';

describe('readServeSettings', () => {
  it("defaults to the checkout's modules/ and config/ on 127.0.0.1:8088", () => {
    const settings = readServeSettings([], {});
    expect(settings).toMatchObject({
      modules: join(packageRoot(), 'modules'),
      config: join(packageRoot(), 'config'),
      host: '127.0.0.1',
      port: 8088,
      log_level: 'info',
    });
  });

  it('takes MODLOADER_* variables, and flags over them', () => {
    const env = { MODLOADER_HOST: '::1', MODLOADER_PORT: '9000', MODLOADER_MODULES: '/srv/mods', MODLOADER_CONFIG: 'conf' };
    expect(readServeSettings([], env)).toMatchObject({ host: '::1', port: 9000, modules: '/srv/mods', config: resolve('conf') });
    expect(readServeSettings(['--port', '7000', '--host', '127.0.0.2'], env)).toMatchObject({ host: '127.0.0.2', port: 7000 });
  });

  it('names the flag or variable that is wrong', () => {
    expect(() => readServeSettings(['--port', 'eighty'], {})).toThrow(/--port/);
    expect(() => readServeSettings([], { MODLOADER_PORT: '70000' })).toThrow(/MODLOADER_PORT/);
    expect(thrown(() => readServeSettings(['--log-level', 'loud', '--port', 'x'], {}))).toMatchObject({
      code: 'invalid_setting',
      details: { settings: ['--port', '--log-level'] },
    });
    for (const port of ['80.5', '0x50', '-1', '']) expect(() => readServeSettings(['--port', port], {}), port).toThrow(/--port/);
    expect(() => readServeSettings([], { MODLOADER_HISTORY: '0' })).toThrow(/MODLOADER_HISTORY/);
  });

  it('refuses unknown flags and stray words', () => {
    expect(thrown(() => readServeSettings(['--colour'], {}))).toMatchObject({ code: 'unknown_flag' });
    expect(thrown(() => readServeSettings(['now'], {}))).toMatchObject({ code: 'unknown_flag' });
  });

  it('takes allowed origins from --allow-origin (repeatable) or MODLOADER_ALLOW_ORIGINS, normalized', () => {
    expect(readServeSettings([], {}).allow_origins).toEqual([]);
    expect(readServeSettings(['--allow-origin', 'https://Console.Example.com', '--allow-origin', 'http://10.0.0.5:8080'], {}).allow_origins).toEqual([
      'https://console.example.com',
      'http://10.0.0.5:8080',
    ]);
    expect(readServeSettings([], { MODLOADER_ALLOW_ORIGINS: 'https://a.example, https://b.example:443' }).allow_origins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('refuses an allowed origin that is not scheme://host[:port], naming the flag or variable', () => {
    for (const origin of ['console.example.com', 'https://a.example/console', 'ftp://a.example', '*', 'null', 'https://user@a.example']) {
      expect(() => readServeSettings(['--allow-origin', origin], {}), origin).toThrow(/--allow-origin/);
    }
    expect(() => readServeSettings([], { MODLOADER_ALLOW_ORIGINS: 'https://a.example/' })).not.toThrow();
    expect(() => readServeSettings([], { MODLOADER_ALLOW_ORIGINS: 'https://a.example?x' })).toThrow(/MODLOADER_ALLOW_ORIGINS/);
  });
});

/** The SettingsError `read` throws (fails the test when it throws anything else or nothing). */
function thrown(read: () => unknown): SettingsError {
  try {
    read();
  } catch (err) {
    if (err instanceof SettingsError) return err;
    throw err;
  }
  throw new Error('expected a SettingsError');
}
