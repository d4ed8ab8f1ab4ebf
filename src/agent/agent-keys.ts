import {createHmac} from 'node:crypto'
import {randomToken} from '../credentials/credential-endpoint.js'
import {storeKeys} from '../store/keys.js'
import type {SecretStore} from '../store/secret-store.js'

/**
 * The agent's three secrets, kept in the secret store (never in the state file):
 * - `client`: the AWS_CONTAINER_AUTHORIZATION_TOKEN for profiles that are not guarded;
 * - `control`: for keyless's own commands (status, stop, forgetting a logged-out session), never
 *   handed to a shell;
 * - `grant`: the key that derives the per-profile token of a guarded profile (grantToken), which
 *   only `switch` and `agent env` hand out, after the guard's confirmation.
 * They survive agent restarts, so shells that were pointed at the agent keep working.
 */
export interface AgentKeys {
  client: string
  control: string
  grant: string
}

const isKey = (v: unknown): v is string => typeof v === 'string' && v.length >= 43

export async function readAgentKeys(store: SecretStore): Promise<AgentKeys | undefined> {
  try {
    const value = JSON.parse((await store.get(storeKeys.agent)) ?? 'null') as Partial<AgentKeys> | null
    if (value && isKey(value.client) && isKey(value.control) && isKey(value.grant)) return {client: value.client, control: value.control, grant: value.grant}
  } catch {
    // unreadable: made anew
  }
  return undefined
}

/** The stored keys, or new random ones stored first (the agent does this when it starts). */
export async function loadOrCreateAgentKeys(store: SecretStore): Promise<AgentKeys> {
  const existing = await readAgentKeys(store)
  if (existing) return existing
  const keys = {client: randomToken(), control: randomToken(), grant: randomToken()}
  await store.set(storeKeys.agent, JSON.stringify(keys))
  return keys
}

/** The token that unlocks one (guarded) profile: HMAC-SHA256(grant key, profile name), base64url. */
export function grantToken(keys: Pick<AgentKeys, 'grant'>, profile: string): string {
  return createHmac('sha256', keys.grant).update(`keyless-agent-grant\0${profile}`).digest('base64url')
}
