import {partitionHosts, type Partition} from './partition-hosts.js'

/**
 * The console federation endpoint: KEYLESS_FEDERATION_ENDPOINT (a full URL) when set, else
 * AWS_ENDPOINT_URL_SIGNIN + /federation (the SDKs' variable for the sign-in service; the local
 * emulator sets it), else https://SIGNIN-HOST/federation of the partition (https://REGION.SIGNIN-HOST
 * where the partition's sign-in is regional: aws-eusc).
 */
export function federationEndpoint(partition: Partition, env: NodeJS.ProcessEnv, region?: string): string {
  const explicit = env.KEYLESS_FEDERATION_ENDPOINT?.trim()
  if (explicit) return explicit
  const signin = env.AWS_ENDPOINT_URL_SIGNIN?.trim()
  if (signin) return `${signin.replace(/\/+$/, '')}/federation`
  const {signin: host, regionalSignin} = partitionHosts(partition)
  return regionalSignin && region ? `https://${region}.${host}/federation` : `https://${host}/federation`
}
