import type {StoreDeps} from '../deps.js'
import {KeylessError} from '../errors.js'
import {agentPaths} from './agent-paths.js'
import {findAgent, type RunningAgent} from './find-agent.js'

export interface EnsureAgentDeps extends Pick<StoreDeps, 'env' | 'paths' | 'store' | 'now' | 'sleep'> {
  /** Starts `keyless agent run` in the background, detached from this process. */
  spawnAgent: () => void
}

/**
 * The running agent, started first when there is none (`agent start`, `agent env`, switch in agent
 * mode). Idempotent: a running agent is found through its state file; a stale one is replaced by
 * the new agent. Waits up to 15 s for the new agent to answer.
 */
export async function ensureAgent(deps: EnsureAgentDeps): Promise<RunningAgent & {started: boolean}> {
  const running = await findAgent(deps)
  if (running) return {...running, started: false}
  deps.spawnAgent()
  const deadline = deps.now() + 15_000
  for (;;) {
    await deps.sleep(50)
    const found = await findAgent(deps)
    if (found) return {...found, started: true}
    if (deps.now() > deadline) {
      throw new KeylessError('The keyless agent did not start.', {code: 'AgentNotStarted', hint: `See its log: ${agentPaths(deps.env, deps.paths).logFile}`})
    }
  }
}
