import {UsageError} from '../errors.js'
import {partitionHosts, partitionOf} from './partition-hosts.js'

/**
 * Where the console opens: a full https URL as given (it must be a console URL of the partition),
 * or a service name (`s3`, `ec2`, `cloudwatch`) on the region's console, or the console home.
 * Commercial regions use the regional host: https://REGION.console.aws.amazon.com/SERVICE/home?region=REGION.
 */
export function consoleDestination(destination: string | undefined, region: string): string {
  const partition = partitionOf(region)
  const {console: host, regional} = partitionHosts(partition)
  const base = regional ? `https://${region}.${host}` : `https://${host}`
  const value = destination?.trim()
  if (!value) return `${base}/console/home?region=${region}`
  if (/^https?:\/\//i.test(value)) {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new UsageError(`Invalid --destination URL "${value}".`, 'Give a console URL or a service name such as s3.')
    }
    if (url.protocol !== 'https:' || !(url.hostname === host || url.hostname.endsWith(`.${host}`))) {
      throw new UsageError(`--destination ${value} is not an AWS console URL of ${partition} (${host}).`, 'Give a console URL or a service name such as s3.')
    }
    return url.toString()
  }
  if (!/^[a-z0-9][a-z0-9-]*(\/[A-Za-z0-9_\-/#?=&.:]*)?$/.test(value)) {
    throw new UsageError(`Invalid --destination "${value}".`, 'Use a service name such as s3, ec2 or cloudwatch, or a console URL.')
  }
  const [service, ...rest] = value.split('/')
  const path = rest.length > 0 ? `/${rest.join('/')}` : '/home'
  return `${base}/${service}${path}${path.includes('?') ? '&' : '?'}region=${region}`
}
