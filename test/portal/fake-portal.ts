import {ListAccountRolesCommand, ListAccountsCommand, type SSOClient} from '@aws-sdk/client-sso'
import type {FakeClock} from '../helpers/fake-clock.js'

export interface FakeAccount {
  accountId: string
  /** Left out of the ListAccounts answer when undefined. */
  accountName?: string
  emailAddress?: string
  roles: string[]
}

type FakeCommand = 'ListAccounts' | 'ListAccountRoles'

export interface FakePortalOptions {
  accounts: FakeAccount[]
  latencyMs?: number
  /** ListAccountRoles requests accepted per sliding second (as the emulator and AWS do); beyond: 429. */
  rolesPerSecond?: number
  /** Fail the next N ListAccountRoles requests with a 500. */
  fail500?: number
  /** Tokens the portal accepts (default: any). */
  validTokens?: Set<string>
  /** An error to answer this request with (checked after the token, before throttling). */
  fault?: (command: FakeCommand, input: {accountId?: string; nextToken?: string}) => Error | undefined
}

export function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), {name, $metadata: {httpStatusCode: status}, $fault: status >= 500 ? 'server' : 'client'})
}

/** An SSOClient stand-in with the portal's paging, sliding-window throttling and bearer check. */
export function fakePortal(clock: FakeClock, options: FakePortalOptions) {
  const accepted: number[] = []
  const counts = {ListAccounts: 0, ListAccountRoles: 0, throttled: 0, unauthorized: 0, maxResults: new Set<number>()}
  /** Requests being answered now, and the most seen at once, per command. */
  const inFlight = {ListAccounts: 0, ListAccountRoles: 0}
  const maxInFlight = {ListAccounts: 0, ListAccountRoles: 0}
  /** [time, command] of every request, in the order they arrived. */
  const log: Array<[number, FakeCommand]> = []
  let fail500 = options.fail500 ?? 0
  const page = <T>(list: T[], max: number, token?: string) => {
    const start = token ? Number(token) : 0
    const end = start + max
    return {items: list.slice(start, end), next: end < list.length ? String(end) : undefined}
  }
  const client = {
    async send(command: unknown) {
      const name: FakeCommand = command instanceof ListAccountsCommand ? 'ListAccounts' : 'ListAccountRoles'
      log.push([clock.now(), name])
      inFlight[name]++
      maxInFlight[name] = Math.max(maxInFlight[name], inFlight[name])
      try {
        return await answer(command)
      } finally {
        inFlight[name]--
      }
    },
  }
  /** What every request goes through first: counted, its token checked, an injected fault thrown. */
  function admit(name: FakeCommand, input: {maxResults?: number; accessToken?: string; accountId?: string; nextToken?: string}) {
    counts[name]++
    counts.maxResults.add(input.maxResults ?? 0)
    if (options.validTokens && !options.validTokens.has(input.accessToken ?? '')) {
      counts.unauthorized++
      throw awsError('UnauthorizedException', 401)
    }
    const fault = options.fault?.(name, input)
    if (fault) throw fault
  }
  async function answer(command: unknown) {
    await clock.sleep(options.latencyMs ?? 0)
    if (command instanceof ListAccountsCommand) {
      const input = command.input
      admit('ListAccounts', input)
      const p = page(options.accounts, input.maxResults ?? 20, input.nextToken)
      return {accountList: p.items.map((a) => ({accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress})), nextToken: p.next}
    }
    if (command instanceof ListAccountRolesCommand) {
      const input = command.input
      admit('ListAccountRoles', input)
      if (fail500 > 0) {
        fail500--
        throw awsError('InternalServerException', 500)
      }
      if (options.rolesPerSecond !== undefined) {
        const now = clock.now()
        while (accepted.length > 0 && now - accepted[0] >= 1000) accepted.shift()
        if (accepted.length >= options.rolesPerSecond) {
          counts.throttled++
          throw awsError('TooManyRequestsException', 429)
        }
        accepted.push(now)
      }
      const account = options.accounts.find((a) => a.accountId === input.accountId)
      if (!account) throw awsError('ResourceNotFoundException', 404)
      const p = page(account.roles, input.maxResults ?? 20, input.nextToken)
      return {roleList: p.items.map((roleName) => ({roleName, accountId: account.accountId})), nextToken: p.next}
    }
    throw new Error('fake portal: unexpected command')
  }
  return {client: client as unknown as SSOClient, counts, inFlight, maxInFlight, log}
}

export function makeAccounts(count: number, roles: number): FakeAccount[] {
  return Array.from({length: count}, (_, i) => ({
    accountId: String(100_000_000_000 + i),
    accountName: `acct-${i}`,
    roles: Array.from({length: roles}, (_, r) => `Role${r}`),
  }))
}
