/**
 * Awaits a promise (or calls a function returning one) that must reject, and returns the error;
 * fails the test when it resolves instead. E names the error type the test expects.
 */
export async function rejection<E extends Error = Error>(
  work: Promise<unknown> | (() => Promise<unknown>),
): Promise<E> {
  try {
    await (typeof work === 'function' ? work() : work)
  } catch (error) {
    return error as E
  }
  throw new Error('expected a rejection')
}
