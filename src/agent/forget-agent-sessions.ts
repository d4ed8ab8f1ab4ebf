import type {StoreDeps} from '../deps.js'
import {agentRequest} from './agent-client.js'
import {findAgent} from './find-agent.js'

/**
 * Tells a running agent that these sessions are gone (`keyless logout`), so it drops their
 * credentials from memory at once. No agent: nothing to do. Returns how many profiles it dropped.
 */
export async function forgetAgentSessions(sessions: string[], deps: Pick<StoreDeps, 'env' | 'paths' | 'store'>): Promise<number | undefined> {
  if (sessions.length === 0) return undefined
  const running = await findAgent(deps)
  if (!running) return undefined
  let dropped = 0
  for (const session of sessions) {
    const answer = await agentRequest(running.state.port, 'POST', `/v1/sessions/${encodeURIComponent(session)}/forget`, running.keys.control)
    dropped += (answer.body as {forgotten?: number} | undefined)?.forgotten ?? 0
  }
  return dropped
}
