import {UsageError} from '../errors.js'

/** AWS region names: us-east-1, eu-central-1, ap-southeast-2, us-gov-west-1, cn-north-1, us-isob-east-1… */
const regionPattern = /^[a-z]{2,4}(-[a-z]{2,5})?-[a-z]+-\d{1,2}$/
const sessionNamePattern = /^[A-Za-z0-9_.-]{1,64}$/
const scopePattern = /^[A-Za-z0-9:._/*-]+$/
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** A value shown in a one-line message: quoted, control characters escaped. */
export function quote(value: string): string {
  return JSON.stringify(value)
}

export function isValidRegion(region: string): boolean {
  return regionPattern.test(region)
}

export function validateRegion(region: string, what = 'region'): string {
  const value = region.trim()
  if (!isValidRegion(value)) {
    throw new UsageError(`Invalid ${what} ${quote(region)}.`, 'Use an AWS region name such as us-east-1 or eu-central-1.')
  }
  return value
}

/**
 * An Identity Center start URL: https (https://d-1234567890.awsapps.com/start, a custom domain, …),
 * or http on the loopback interface for a local emulator. Returned trimmed, otherwise as given.
 */
export function validateStartUrl(startUrl: string): string {
  const value = startUrl.trim()
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  const hint = 'Use the AWS access portal URL, such as https://d-1234567890.awsapps.com/start.'
  if (!url || /\s/.test(value)) throw new UsageError(`Invalid start URL ${quote(startUrl)}: not a URL.`, hint)
  if (url.username || url.password) throw new UsageError(`Invalid start URL ${quote(startUrl)}: it must not contain a user name or password.`, hint)
  const loopbackHttp = url.protocol === 'http:' && loopbackHosts.has(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new UsageError(`Invalid start URL ${quote(startUrl)}: it must use https.`, hint)
  }
  return value
}

/** Names every JavaScript object already has (`__proto__`, `constructor`, `toString`…): a session named so could not be looked up. */
const reservedNames = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'])

export function validateSessionName(name: string): string {
  if (reservedNames.has(name)) {
    throw new UsageError(`Invalid sso-session name ${quote(name)}: it is reserved.`, 'Choose another name, such as corp.')
  }
  if (!sessionNamePattern.test(name)) {
    throw new UsageError(
      `Invalid sso-session name ${quote(name)}.`,
      'Use letters, digits, "-", "_" and "." only (at most 64 characters).',
    )
  }
  return name
}

/** `sso_registration_scopes`: a comma-separated list; absent means the refreshable default. */
export function parseScopes(value: string | undefined): string[] {
  if (value === undefined) return ['sso:account:access']
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export function validateScopes(scopes: string[]): string[] {
  const cleaned = scopes.map((s) => s.trim()).filter((s) => s !== '')
  if (cleaned.length === 0) {
    throw new UsageError('At least one registration scope is needed.', 'Use sso:account:access (it allows silent refresh).')
  }
  const bad = cleaned.find((s) => !scopePattern.test(s))
  if (bad) throw new UsageError(`Invalid registration scope ${quote(bad)}.`, 'Scopes look like sso:account:access.')
  return cleaned
}
