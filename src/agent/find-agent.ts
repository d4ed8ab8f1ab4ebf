import {processAlive} from '../util/process-alive.js'
import type {StoreDeps} from '../deps.js'
import {agentRequest} from './agent-client.js'
import {readAgentKeys, type AgentKeys} from './agent-keys.js'
import {agentPaths} from './agent-paths.js'
import {readAgentState, type AgentState} from './agent-state.js'
import type {AgentStatusBody} from './run-agent.js'

/** A running agent that answered its control token. */
export interface RunningAgent {
  state: AgentState & {pid: number}
  keys: AgentKeys
  /** http://127.0.0.1:PORT */
  url: string
  status: AgentStatusBody
}

/**
 * The running agent of this user, or undefined: the state file names a live pid, the secret store
 * has the keys, and the agent answers GET /v1/status with the control key. A dead pid or a port
 * nobody answers on is a stale state file (undefined).
 */
export async function findAgent(deps: Pick<StoreDeps, 'env' | 'paths' | 'store'>): Promise<RunningAgent | undefined> {
  const state = await readAgentState(agentPaths(deps.env, deps.paths).stateFile)
  if (!state?.pid || !processAlive(state.pid)) return undefined
  const keys = await readAgentKeys(deps.store)
  if (!keys) return undefined
  try {
    const answer = await agentRequest(state.port, 'GET', '/v1/status', keys.control)
    if (answer.status !== 200) return undefined
    return {state: {...state, pid: state.pid}, keys, url: `http://127.0.0.1:${state.port}`, status: answer.body as AgentStatusBody}
  } catch {
    return undefined
  }
}
