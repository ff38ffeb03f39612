import { expect } from 'vitest';
import { ConfError } from '../../../src/conf/parse.js';

/** The ConfError `fn` throws (fails the test when it throws anything else or nothing). */
export function confError(fn: () => unknown): ConfError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfError);
    return err as ConfError;
  }
  throw new Error('expected a ConfError');
}
