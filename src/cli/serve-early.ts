/**
 * `modloader serve`'s first step once its settings are read: the listen policy (SPEC 11) and
 * the early listener (src/http/early/), before fastify, zod and the service are imported.
 * Only tokens.conf is read for it, the cheap way; the whole config directory is read when the
 * service is composed.
 */
import { stat } from 'node:fs/promises';
import { readConfFile } from '../conf/read-conf-file.js';
import { parseTokens } from '../conf/tokens.js';
import { assertListenAllowed } from '../http/auth/listen-policy.js';
import { newBootId } from '../http/boot-id.js';
import { type EarlyListener, openEarlyListener } from '../http/early/early-listener.js';
import type { ServeSettings } from '../http/settings.js';

/**
 * Whether tokens.conf configures clients; undefined when the config directory or tokens.conf
 * has a problem, which the service, composed, reports (and refuses to start for).
 */
export async function tokensConfigured(configDir: string): Promise<boolean | undefined> {
  try {
    if (!(await stat(configDir)).isDirectory()) return undefined;
    const file = await readConfFile(configDir, 'tokens.conf');
    if (!file) return false;
    const { tokens, errors } = parseTokens(file);
    return errors.length > 0 ? undefined : tokens.length > 0;
  } catch {
    return undefined;
  }
}

/**
 * Listens as early as it can: throws ListenRefusedError for a non-loopback address without
 * tokens, or the listen error (EADDRINUSE); undefined when the config directory has a problem
 * (the service then says which, without having listened).
 */
export async function listenEarly(settings: Pick<ServeSettings, 'config' | 'host' | 'port' | 'allow_origins'>): Promise<EarlyListener | undefined> {
  const tokens = await tokensConfigured(settings.config);
  if (tokens === undefined) return undefined;
  assertListenAllowed(settings.host, tokens);
  return openEarlyListener({
    host: settings.host,
    port: settings.port,
    tokens: { enabled: tokens },
    listenHost: settings.host,
    allowOrigins: settings.allow_origins,
    bootId: newBootId(),
    startedAt: Date.now(),
  });
}
