import { describe, expect, it } from 'vitest';
import { Loader } from '../../src/core/loader.js';
import { emptyPolicy } from '../../src/core/policy.js';
import { MemoryHost } from './support/memory-host.js';
import { rejection } from './support/rejection.js';

describe('user ids', () => {
  it('carry the boot id, so an id from an earlier run never names a user of this one', async () => {
    const host = new MemoryHost([{ name: 'app_x' }]);
    const first = new Loader({ host, scan: host.scan(), policy: emptyPolicy(), bootId: 'b1' });
    const second = new Loader({ host, scan: host.scan(), policy: emptyPolicy(), bootId: 'b2' });
    const a = await first.addUser('app_x', { holder: 'x' });
    const b = await second.addUser('app_x', { holder: 'x' });
    expect(a.user!.id).toBe('u1-b1');
    expect(b.user!.id).toBe('u1-b2');
    expect((await rejection(second.releaseUser(a.user!.id))).code).toBe('user_not_found');
  });
});
