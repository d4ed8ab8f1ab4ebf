import type {StoreDeps} from '../deps.js'
import {agentRequest} from './agent-client.js'
import {processAlive} from './agent-state.js'
import {findAgent} from './find-agent.js'

export interface StopAgentResult {
  stopped: boolean
  pid?: number
}

/** `keyless agent stop`: asks the running agent to stop and waits (10 s at most) until it has. */
export async function stopAgent(deps: Pick<StoreDeps, 'env' | 'paths' | 'store' | 'now' | 'sleep'>): Promise<StopAgentResult> {
  const running = await findAgent(deps)
  if (!running) return {stopped: false}
  await agentRequest(running.state.port, 'POST', '/v1/stop', running.keys.control).catch(() => undefined)
  const deadline = deps.now() + 10_000
  while (processAlive(running.state.pid) && deps.now() < deadline) await deps.sleep(25)
  return {stopped: !processAlive(running.state.pid), pid: running.state.pid}
}
