/** The AWS partitions keyless knows the console hosts of. */
export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn' | 'aws-eusc'

export interface ConsoleHosts {
  /** The sign-in service (federation endpoint at https://HOST/federation, or https://REGION.HOST/federation when regionalSignin). */
  signin: string
  /** The console. */
  console: string
  /** Regional console hosts: https://REGION.CONSOLE-HOST. */
  regional: boolean
  /** The sign-in host is regional too (https://REGION.SIGNIN-HOST). */
  regionalSignin?: boolean
}

const hosts: Record<Partition, ConsoleHosts> = {
  aws: {signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com', regional: true},
  'aws-us-gov': {signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com', regional: false},
  'aws-cn': {signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn', regional: false},
  // AWS European Sovereign Cloud. Sign-in: the AWS SDK's own endpoint rules for the sign-in service
  // (https://{Region}.signin.amazonaws-eusc.eu). Console: https://{Region}.console.amazonaws-eusc.eu,
  // seen in public code only, not in an AWS page we could read (README says so).
  'aws-eusc': {signin: 'signin.amazonaws-eusc.eu', console: 'console.amazonaws-eusc.eu', regional: true, regionalSignin: true},
}

/** The partition a region belongs to: us-gov-* → aws-us-gov, cn-* → aws-cn, eusc-* → aws-eusc, else aws. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('eusc-')) return 'aws-eusc'
  return 'aws'
}

export function partitionHosts(partition: Partition): ConsoleHosts {
  return hosts[partition]
}
