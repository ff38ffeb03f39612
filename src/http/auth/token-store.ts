/**
 * The bearer tokens of tokens.conf, looked up in constant time per token so response timing
 * says nothing about how much of a guessed secret was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Token } from '../../conf/tokens.js';
import type { Role } from './roles.js';

export interface Client {
  /** The client's section name in tokens.conf (`local` when no tokens are configured). */
  name: string;
  role: Role;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export class TokenStore {
  private entries: Array<{ client: Client; digest: Buffer }> = [];

  constructor(tokens: readonly Token[]) {
    this.replace(tokens);
  }

  /** True when at least one token is configured (auth is then required everywhere). */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Swaps in the tokens of a reloaded tokens.conf. */
  replace(tokens: readonly Token[]): void {
    this.entries = tokens.map((t) => ({ client: { name: t.name, role: t.role }, digest: digest(t.secret) }));
  }

  /** The client whose secret is `secret`, or undefined. Compares against every entry. */
  lookup(secret: string): Client | undefined {
    const candidate = digest(secret);
    let found: Client | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate)) found = entry.client;
    }
    return found;
  }

  /**
   * The client named `name` (its tokens.conf section) whose secret is `secret`, or undefined:
   * ARI's `user:secret` credentials. Compares against every entry, like {@link lookup}.
   */
  lookupUser(name: string, secret: string): Client | undefined {
    const candidate = digest(secret);
    let found: Client | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate) && entry.client.name === name) found = entry.client;
    }
    return found;
  }
}
