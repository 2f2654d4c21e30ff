import { expect } from 'vitest';
import { XlmergeError } from '../../src/errors.js';

/** The XlmergeError that `run` throws; fails the test if it throws nothing or something else. */
export function errorOf(run: () => unknown): XlmergeError {
  try {
    run();
  } catch (error) {
    if (error instanceof XlmergeError) return error;
    throw error;
  }
  throw new Error('expected an XlmergeError');
}

/** The XlmergeError that `promise` rejects with; fails the test otherwise. */
export async function rejectionOf(promise: Promise<unknown>): Promise<XlmergeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(XlmergeError);
    return error as XlmergeError;
  }
  throw new Error('expected an XlmergeError');
}
