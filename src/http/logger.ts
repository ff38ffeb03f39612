/**
 * The service's pino logger: JSON lines, or pino-pretty when stdout is a terminal (loaded only
 * then). Request lines carry the request id (`req_id`, added by fastify); a `token=` or ARI's
 * `api_key=` in a logged URL is redacted, as is any Authorization header.
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

/** A URL with the value of any `token` or `api_key` query parameter replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|api_key)=)[^&#]*/gi, '$1[redacted]');
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
