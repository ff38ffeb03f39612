/**
 * `tokens.conf` (SPEC 11): the clients allowed to use the HTTP API, one section per client in
 * the manner of AMI's manager.conf users:
 *
 * ```ini
 * [dashboard]
 * secret=9c1f0e…        ; sent as "Authorization: Bearer 9c1f0e…"
 * role=read             ; read | operate | admin, each including the ones before it
 * ```
 */
import type { ConfigFile } from '../core/types.js';
import { ConfError } from './conf-error.js';
import { bareExcerpt } from './excerpt.js';

/** Roles in increasing power: each includes the ones before it. */
export const TOKEN_ROLES = ['read', 'operate', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

export interface Token {
  /** The client's section name. */
  name: string;
  secret: string;
  role: TokenRole;
}

/** Characters a bearer token may carry (RFC 6750 `b64token`). */
const SECRET = /^[A-Za-z0-9._~+/-]+=*$/;

/** The shortest secret accepted: shorter ones are guessable by trying. */
export const MIN_SECRET_LENGTH = 16;

function isRole(value: string): value is TokenRole {
  return (TOKEN_ROLES as readonly string[]).includes(value);
}

/**
 * The clients of a parsed tokens.conf. Never throws: a client whose section is incomplete or
 * wrong (no `secret`, a secret shorter than {@link MIN_SECRET_LENGTH}, no or an unknown `role`,
 * a repeated key, an unknown key, a name or secret used twice) is left out and reported with
 * its file and line.
 */
export function parseTokens(file: ConfigFile): { tokens: Token[]; errors: ConfError[] } {
  const tokens: Token[] = [];
  const errors: ConfError[] = [];
  const names = new Set<string>();
  const secrets = new Map<string, string>();

  for (const section of file.sections) {
    const found: { secret?: { value: string; line: number }; role?: { value: string; line: number } } = {};
    const problems: ConfError[] = [];
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      if (key !== 'secret' && key !== 'role') {
        problems.push(new ConfError('unknown_key', file.file, entry.line, 'the key is not one of tokens.conf (secret, role)'));
      } else if (found[key]) {
        problems.push(new ConfError('repeated_key', file.file, entry.line, `${key}= appears again in [${bareExcerpt(section.name)}]`));
      } else {
        found[key] = { value: entry.value, line: entry.line };
      }
    }
    const { secret, role } = found;
    const roleName = role?.value.toLowerCase() ?? '';
    if (!secret) problems.push(new ConfError('missing_secret', file.file, section.line, `[${bareExcerpt(section.name)}] has no secret=`));
    else if (!SECRET.test(secret.value)) problems.push(new ConfError('invalid_secret', file.file, secret.line));
    else if (secret.value.length < MIN_SECRET_LENGTH) {
      problems.push(
        new ConfError(
          'short_secret',
          file.file,
          secret.line,
          `[${bareExcerpt(section.name)}] has a secret of ${secret.value.length} characters; at least ${MIN_SECRET_LENGTH} are needed (make one with: openssl rand -base64 24)`,
        ),
      );
    }
    if (!role) problems.push(new ConfError('missing_role', file.file, section.line, `[${bareExcerpt(section.name)}] has no role= (read, operate or admin)`));
    else if (!isRole(roleName)) problems.push(new ConfError('unknown_role', file.file, role.line, 'role= is not read, operate or admin'));
    if (names.has(section.name)) problems.push(new ConfError('duplicate_client', file.file, section.line, `[${bareExcerpt(section.name)}] is defined twice`));
    if (secret && secrets.has(secret.value)) {
      problems.push(new ConfError('duplicate_secret', file.file, secret.line, `[${bareExcerpt(section.name)}] uses the same secret as [${bareExcerpt(secrets.get(secret.value) ?? '')}]`));
    }
    names.add(section.name);
    if (problems.length > 0 || !secret || !isRole(roleName)) {
      errors.push(...problems);
      continue;
    }
    secrets.set(secret.value, section.name);
    tokens.push({ name: section.name, secret: secret.value, role: roleName });
  }
  return { tokens, errors };
}
