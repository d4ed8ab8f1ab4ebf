import type {StoreDeps} from '../deps.js'
import {storeKeys} from '../store/keys.js'
import {agentRequest} from './agent-client.js'
import {processAlive} from '../util/process-alive.js'
import {findAgent} from './find-agent.js'

export interface StopAgentResult {
  stopped: boolean
  pid?: number
  /** The agent's keys were deleted: every token handed out so far is void. */
  rotated: boolean
}

/**
 * `keyless agent stop`: asks the running agent to stop and waits (10 s at most) until it has.
 * `rotate` then deletes its keys from the secret store, so the next agent makes new ones and every
 * token handed out before (shells, grants of guarded profiles) stops working.
 */
export async function stopAgent(input: {rotate: boolean}, deps: Pick<StoreDeps, 'env' | 'paths' | 'store' | 'now' | 'sleep'>): Promise<StopAgentResult> {
  const running = await findAgent(deps)
  let result: StopAgentResult = {stopped: false, rotated: false}
  if (running) {
    await agentRequest(running.state.port, 'POST', '/v1/stop', running.keys.control).catch(() => undefined)
    const deadline = deps.now() + 10_000
    while (processAlive(running.state.pid) && deps.now() < deadline) await deps.sleep(25)
    result = {stopped: !processAlive(running.state.pid), pid: running.state.pid, rotated: false}
  }
  if (input.rotate && (!running || result.stopped)) result.rotated = await deps.store.delete(storeKeys.agent)
  return result
}
