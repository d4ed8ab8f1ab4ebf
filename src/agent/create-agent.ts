import {stat} from 'node:fs/promises'
import {loadAwsConfig, type AwsConfig} from '../config/load-aws-config.js'
import type {ResolvedProfile} from '../config/profile-types.js'
import {resolveProfile} from '../config/resolve-profile.js'
import {credentialBody, errorAnswer, errorBody, tokenMatches, type EndpointAnswer} from '../credentials/credential-endpoint.js'
import type {CredentialDeps} from '../credentials/credential-deps.js'
import type {AwsCredentials} from '../credentials/credential-types.js'
import {getCredentials} from '../credentials/get-credentials.js'
import {reuseWindowMs} from '../credentials/stored-credentials.js'
import {KeylessError} from '../errors.js'
import {accountIdOf, guardDecision, sessionNameOf} from '../guard/guard-policy.js'
import {accountFacts} from '../portal/account-facts.js'
import type {TokenProvider} from '../sso/session-types.js'
import {grantToken, type AgentKeys} from './agent-keys.js'

export interface AgentDeps extends CredentialDeps {
  /** The same token lifecycle without browser sign-in, for refreshes nobody is waiting for. */
  quietTokens: TokenProvider
  /** Runs `fn` after `ms` (its promise never rejects); returns a function that cancels it. */
  schedule: (ms: number, fn: () => Promise<void>) => () => void
  /** The agent's log (one line each; never a secret). */
  log: (line: string) => void
}

/** One profile the agent holds, as `agent status` shows it (no secret). */
export interface HeldProfile {
  profile: string
  session?: string
  guarded: boolean
  /** ISO-8601, when it holds credentials */
  expiration?: string
  secondsLeft?: number
  lastAskedSecondsAgo: number
}

export interface AgentCounters {
  /** Answered from memory. */
  memory: number
  /** Answered after a fetch (first request, or a miss). */
  fetched: number
  /** Refreshed ahead of expiry in the background. */
  refreshed: number
  /** Refused (token, guard) or failed. */
  refused: number
  failed: number
}

export interface Agent {
  /** GET /v1/credentials/<profile>: checks the token (and the guard), answers from memory or fetches. */
  credentials(profile: string, authorization: string): Promise<EndpointAnswer>
  /** Drops every credential of a session from memory (logout, a rejected session); how many profiles. */
  forgetSession(session: string): number
  status(): {profiles: HeldProfile[]; counters: AgentCounters}
  /** Cancels every scheduled refresh. */
  close(): void
}

/** Profiles nobody asked for in this long are no longer refreshed (and are forgotten). */
const idleMs = 60 * 60 * 1000
/** At most this long before a profile's credentials enter the reuse window, they are refreshed. */
const maxLeadMs = 5 * 60 * 1000
/** How often the AWS config files are checked for edits. */
const configCheckMs = 1000
/** A failed background refresh is tried again after this long. */
const retryMs = 30 * 1000

interface Held {
  name: string
  profile: ResolvedProfile
  session?: string
  guarded: boolean
  credentials?: AwsCredentials
  lastAsked: number
  fetching?: Promise<AwsCredentials>
  cancel?: () => void
}

/**
 * The agent's memory: profiles it was asked for, with their credentials, served while more than the
 * 15-minute reuse window remains and refreshed in the background before they enter it (for profiles
 * asked for in the last hour), so only a first request or a miss waits on the network. Fetches go
 * through the same path as `credential-process` (secret-store cache, cross-process single flight,
 * one sign-in for all callers) and share one promise per profile inside the agent. A session that is
 * gone (LoginRequired) is forgotten at once; `forgetSession` does the same when logout says so.
 */
export function createAgent(keys: AgentKeys, deps: AgentDeps): Agent {
  const held = new Map<string, Held>()
  const counters: AgentCounters = {memory: 0, fetched: 0, refreshed: 0, refused: 0, failed: 0}
  let config: {version: string; value: AwsConfig; checkedAt: number} | undefined
  const quietDeps: CredentialDeps = {...deps, tokens: deps.quietTokens}

  const version = async () => {
    const parts = await Promise.all(
      [deps.paths.configFile, deps.paths.credentialsFile].map((file) => stat(file).then((s) => `${s.mtimeMs}:${s.size}:${s.ino}`, () => '-')),
    )
    return parts.join('|')
  }
  // One look at a time: requests arriving together share it (each loading the config on its own
  // would find the others' result and take it for a change, forgetting what they just fetched).
  let checking: Promise<AwsConfig> | undefined
  const currentConfig = async (): Promise<AwsConfig> => {
    // Looked at once a second at most: under load, a stat per request would queue up.
    if (config && deps.now() - config.checkedAt < configCheckMs) return config.value
    checking ??= checkConfig().finally(() => (checking = undefined))
    return checking
  }
  const checkConfig = async (): Promise<AwsConfig> => {
    const checkedAt = deps.now()
    const now = await version()
    if (config?.version === now) {
      config.checkedAt = checkedAt
      return config.value
    }
    const value = await loadAwsConfig(deps.paths)
    if (config) {
      // The config changed: a name may mean another role now. Start over.
      for (const h of held.values()) h.cancel?.()
      held.clear()
      deps.log('the AWS config changed: forgot every profile')
    }
    config = {version: now, value, checkedAt}
    return value
  }

  const entry = async (name: string): Promise<Held> => {
    const cfg = await currentConfig()
    const known = held.get(name)
    if (known) return known
    const profile = resolveProfile(cfg, name)
    if (profile.kind === 'static') {
      throw new KeylessError(`Profile "${name}" holds long-lived access keys; the agent serves SSO roles and role chains.`, {code: 'UsageError', exit: 2})
    }
    // Guarded by account as `agent env` decides it: a production account needs the grant token.
    const account = await accountFacts(accountIdOf(profile), cfg, {cacheDir: deps.paths.cacheDir, now: deps.now})
    const h: Held = {name, profile, session: sessionNameOf(profile), guarded: guardDecision(profile, cfg.ssoSessions, account).guarded, lastAsked: deps.now()}
    held.set(name, h)
    return h
  }

  const forgetSession = (session: string): number => {
    let n = 0
    for (const h of [...held.values()]) {
      if (h.session !== session) continue
      h.cancel?.()
      held.delete(h.name)
      n++
    }
    if (n > 0) deps.log(`forgot session ${session} (${n} profile${n === 1 ? '' : 's'})`)
    return n
  }

  const schedule = (h: Held) => {
    h.cancel?.()
    h.cancel = undefined
    if (!h.credentials) return
    const slack = h.credentials.expiresAt - deps.now() - reuseWindowMs
    // Credentials that live no longer than the window cannot be kept ahead of it: requests fetch.
    if (slack < 2000) return
    const lead = Math.min(maxLeadMs, slack / 2)
    h.cancel = deps.schedule(slack - lead, () => refresh(h))
  }

  const fetch = (h: Held, reason: 'request' | 'refresh'): Promise<AwsCredentials> => {
    h.fetching ??= (async () => {
      // A refresh asks for anything newer than what is held (another process may have fetched it).
      const options = reason === 'refresh' && h.credentials ? {windowMs: Math.max(reuseWindowMs, h.credentials.expiresAt - deps.now() + 1000)} : {}
      const credentials = await getCredentials(h.profile, reason === 'refresh' ? quietDeps : deps, options)
      if (held.get(h.name) === h) {
        h.credentials = credentials
        schedule(h)
      }
      return credentials
    })()
      .catch((error: unknown) => {
        if (error instanceof KeylessError && error.code === 'LoginRequired' && h.session) forgetSession(h.session)
        throw error
      })
      .finally(() => {
        h.fetching = undefined
      })
    return h.fetching
  }

  const refresh = async (h: Held) => {
    if (held.get(h.name) !== h) return
    if (deps.now() - h.lastAsked > idleMs) {
      held.delete(h.name)
      deps.log(`forgot ${h.name}: not asked for in an hour`)
      return
    }
    try {
      await fetch(h, 'refresh')
      counters.refreshed++
      deps.log(`refreshed ${h.name} ahead of expiry`)
    } catch (error) {
      deps.log(`refresh of ${h.name} failed: ${line(error)}`)
      if (held.get(h.name) === h) h.cancel = deps.schedule(retryMs, () => refresh(h))
    }
  }

  const refuse = (status: number, code: string, message: string): EndpointAnswer => {
    counters.refused++
    return {status, body: errorBody(code, message)}
  }

  return {
    async credentials(name, authorization) {
      const client = tokenMatches(authorization, keys.client)
      const granted = !client && tokenMatches(authorization, grantToken(keys, name))
      if (!client && !granted) return refuse(403, 'Forbidden', 'Wrong authorization token.')
      let h: Held
      try {
        h = await entry(name)
      } catch (error) {
        counters.failed++
        return errorAnswer(error)
      }
      if (h.guarded && !granted) {
        return refuse(
          403,
          'ConfirmationRequired',
          `Profile "${name}" is guarded (production): the agent serves it only where it was confirmed. ` +
            `Run \`keyless switch ${name}\` in a shell with the agent shell function, or \`eval "$(keyless agent env ${name})"\` (scripts: --yes).`,
        )
      }
      h.lastAsked = deps.now()
      const c = h.credentials
      if (c && c.expiresAt - deps.now() > reuseWindowMs) {
        counters.memory++
        return {status: 200, body: credentialBody(c), headers: {'x-keyless-source': 'memory'}}
      }
      try {
        const fresh = await fetch(h, 'request')
        counters.fetched++
        return {status: 200, body: credentialBody(fresh), headers: {'x-keyless-source': 'fetch'}}
      } catch (error) {
        counters.failed++
        deps.log(`${name}: ${line(error)}`)
        return errorAnswer(error)
      }
    },
    forgetSession,
    status() {
      const now = deps.now()
      const profiles = [...held.values()].map((h) => ({
        profile: h.name,
        ...(h.session ? {session: h.session} : {}),
        guarded: h.guarded,
        ...(h.credentials
          ? {expiration: new Date(h.credentials.expiresAt).toISOString(), secondsLeft: Math.max(0, Math.round((h.credentials.expiresAt - now) / 1000))}
          : {}),
        lastAskedSecondsAgo: Math.round((now - h.lastAsked) / 1000),
      }))
      return {profiles: profiles.sort((a, b) => a.profile.localeCompare(b.profile)), counters: {...counters}}
    },
    close() {
      for (const h of held.values()) h.cancel?.()
    },
  }
}

function line(error: unknown): string {
  return error instanceof KeylessError ? error.line : ((error as Error)?.message ?? String(error)).split('\n')[0]
}
