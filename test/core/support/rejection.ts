import { isLoaderError, type LoaderError } from '../../../src/core/errors.js';

/** The LoaderError an operation rejects with; fails the test if it resolves or throws anything else. */
export async function rejection(p: Promise<unknown>): Promise<LoaderError> {
  try {
    await p;
  } catch (err) {
    if (isLoaderError(err)) return err;
    throw err;
  }
  throw new Error('expected the operation to fail');
}
