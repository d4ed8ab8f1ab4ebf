/** The AWS partitions keyless knows the console hosts of. */
export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn'

export interface ConsoleHosts {
  /** The sign-in service (federation endpoint at https://HOST/federation). */
  signin: string
  /** The console. */
  console: string
  /** Regional console hosts: https://REGION.console.aws.amazon.com (commercial only). */
  regional: boolean
}

const hosts: Record<Partition, ConsoleHosts> = {
  aws: {signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com', regional: true},
  'aws-us-gov': {signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com', regional: false},
  'aws-cn': {signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn', regional: false},
}

/** The partition a region belongs to: us-gov-* → aws-us-gov, cn-* → aws-cn, else aws. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('cn-')) return 'aws-cn'
  return 'aws'
}

export function partitionHosts(partition: Partition): ConsoleHosts {
  return hosts[partition]
}
