import {partitionHosts, type Partition} from './partition-hosts.js'

/**
 * The console federation endpoint: KEYLESS_FEDERATION_ENDPOINT (a full URL) when set, else
 * AWS_ENDPOINT_URL_SIGNIN + /federation (the SDKs' variable for the sign-in service; the local
 * emulator sets it), else https://SIGNIN-HOST/federation of the partition.
 */
export function federationEndpoint(partition: Partition, env: NodeJS.ProcessEnv): string {
  const explicit = env.KEYLESS_FEDERATION_ENDPOINT?.trim()
  if (explicit) return explicit
  const signin = env.AWS_ENDPOINT_URL_SIGNIN?.trim()
  if (signin) return `${signin.replace(/\/+$/, '')}/federation`
  return `https://${partitionHosts(partition).signin}/federation`
}
