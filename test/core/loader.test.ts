import { describe, expect, it } from 'vitest';
import { rejection } from './support/rejection.js';
import { world } from './support/world.js';

describe('operation observers', () => {
  it('hear every finished operation once, with its outcome', async () => {
    const w = world([{ name: 'app_x' }]);
    const seen: string[] = [];
    const stop = w.loader.subscribeOperations((e) => seen.push(`${e.kind} ${e.target ?? ''} ${e.ok ? 'ok' : e.code}`));
    await w.loader.load('app_x');
    await rejection(w.loader.load('nope'));
    stop();
    await w.loader.unload('app_x');
    expect(seen).toEqual(['load app_x ok', 'load nope unknown_module']);
  });
});
