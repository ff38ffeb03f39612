/**
 * SPEC 11: without tokens the service listens on loopback only, and refuses any other
 * address. Checked before anything is loaded, so a misconfigured start fails fast.
 */
import { isIP } from 'node:net';
import { errorFamily } from '../../core/coded-error.js';

/** True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** The service would listen beyond loopback without tokens (`listen_refused`). */
export class ListenRefusedError extends errorFamily('ListenRefusedError', {
  listen_refused: 'Refusing to listen beyond loopback without tokens',
} as const) {}

/** Throws {@link ListenRefusedError}, naming the fix, when `host` is not loopback and no tokens are configured. */
export function assertListenAllowed(host: string, tokensConfigured: boolean): void {
  if (tokensConfigured || isLoopback(host)) return;
  throw new ListenRefusedError(
    'listen_refused',
    `refusing to listen on ${host} without tokens: add clients to tokens.conf in the config directory (see docs/security.md), or listen on 127.0.0.1`,
  );
}
