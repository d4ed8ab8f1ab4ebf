import {rejection as rejected} from '../helpers/rejection.js'

/** The SDK error a call rejects with, with its extra fields ($metadata, error, error_description…). */
export const rejection = (work: () => Promise<unknown>) => rejected<Error & Record<string, unknown>>(work)

/** The HTTP status the SDK saw for an error. */
export const status = (e: Record<string, unknown>) => (e.$metadata as {httpStatusCode: number}).httpStatusCode
