/**
 * The service's pino logger: JSON lines, or pino-pretty when stdout is a terminal (loaded only
 * then). Request lines carry the request id (`req_id`, added by fastify); a `token` query
 * parameter (or ARI's `api_key`) in a logged URL is redacted however it is spelled, as is any
 * Authorization header.
 */
import { createRequire } from 'node:module';
import { pino, stdSerializers, type Logger } from 'pino';
import type { PinoPretty } from 'pino-pretty';

export interface LoggerSettings {
  level: string;
  /** Human-readable lines (default: when stdout is a TTY). */
  pretty?: boolean | undefined;
  /** Where lines go (default stdout). */
  destination?: NodeJS.WritableStream | undefined;
}

/** Query parameters whose values are secrets (compared after decoding, case-insensitively). */
const SECRET_PARAMETERS = new Set(['token', 'api_key']);

/** A query key as the query parser reads it (`%74oken` is `token`); undefined when malformed. */
function decodedKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * A URL with the value of every secret query parameter replaced by `[redacted]`. Each key is
 * decoded the way the query parser decodes it, so `?%74oken=<secret>`, which authenticates as
 * `token`, is redacted too; a key that cannot be decoded is treated as secret.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const key = decodedKey(pair.slice(0, equals));
      return key === undefined || SECRET_PARAMETERS.has(key.toLowerCase()) ? `${pair.slice(0, equals)}=[redacted]` : pair;
    });
  return `${url.slice(0, start + 1)}${pairs.join('&')}`;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options = {
    level: settings.level,
    base: { service: 'modloader' },
    redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
    serializers: {
      err: stdSerializers.err,
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url ?? ''),
        remote_address: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ status_code: res.statusCode }),
    },
  };
  const usePretty = settings.pretty ?? process.stdout.isTTY === true;
  if (usePretty) {
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', destination: settings.destination ?? 1 }));
  }
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
