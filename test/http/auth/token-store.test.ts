import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../../src/http/auth/token-store.js';

describe('TokenStore', () => {
  const store = new TokenStore([
    { name: 'grafana', secret: 'read-secret-0123456789', role: 'read' },
    { name: 'oncall', secret: 'admin-secret-0123456789', role: 'admin' },
  ]);

  it('finds the client of a secret', () => {
    expect(store.lookup('admin-secret-0123456789')).toEqual({ name: 'oncall', role: 'admin' });
  });

  it('finds nobody for an unknown, partial or empty secret', () => {
    expect(store.lookup('admin-secret')).toBeUndefined();
    expect(store.lookup('')).toBeUndefined();
  });

  it('is disabled without tokens and can be replaced by a reload', () => {
    const empty = new TokenStore([]);
    expect(empty.enabled).toBe(false);
    empty.replace([{ name: 'bot', secret: 's3cret-s3cret', role: 'operate' }]);
    expect(empty.enabled).toBe(true);
    expect(empty.lookup('s3cret-s3cret')?.role).toBe('operate');
  });
});
