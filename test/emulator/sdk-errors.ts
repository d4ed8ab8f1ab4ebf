/** Runs `fn`, expecting the SDK to throw; returns the error (fails the test when nothing is thrown). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

/** The HTTP status the SDK saw for an error. */
export const status = (e: Record<string, unknown>) => (e.$metadata as {httpStatusCode: number}).httpStatusCode
