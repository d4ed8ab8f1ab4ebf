import type {SSOClient} from '@aws-sdk/client-sso'
import type {ClientFactory} from '../util/aws-clients.js'

/**
 * The portal client discovery uses: one attempt per call (maxAttempts 1), because discovery retries
 * itself — throttling through the adaptive limiter without an attempt limit, other faults with its
 * own backoff. With the SDK's standard retry on top, every throttled call would also be retried
 * blindly by the SDK (up to 3 times, from a shared retry quota that a large organization drains,
 * after which calls fail at once), and the limiter would not see the 429s it adapts to.
 */
export function discoveryPortalClient(clients: ClientFactory): (region: string) => Promise<SSOClient> {
  return (region) => clients.portal(region, {maxAttempts: 1})
}
