import {processAlive} from '../util/process-alive.js'
import type {StoreDeps} from '../deps.js'
import {formatDuration} from '../ui/format-duration.js'
import {agentPaths} from './agent-paths.js'
import {readAgentState} from './agent-state.js'
import {findAgent} from './find-agent.js'
import type {AgentStatusBody} from './run-agent.js'

export type AgentStatusResult =
  | ({running: true; stateFile: string; logFile: string} & AgentStatusBody)
  | {running: false; stateFile: string; logFile: string; stale: boolean; port?: number}

/** `keyless agent status`: what the running agent says about itself, or why there is none. */
export async function agentStatus(deps: Pick<StoreDeps, 'env' | 'paths' | 'store'>): Promise<AgentStatusResult> {
  const files = agentPaths(deps.env, deps.paths)
  const where = {stateFile: files.stateFile, logFile: files.logFile}
  const running = await findAgent(deps)
  if (running) return {running: true, ...where, ...running.status}
  const state = await readAgentState(files.stateFile)
  return {running: false, ...where, stale: Boolean(state?.pid && !processAlive(state.pid)), ...(state ? {port: state.port} : {})}
}

export function formatAgentStatus(result: AgentStatusResult): string {
  if (!result.running) {
    return `keyless agent: not running${result.stale ? ' (stale state file: its process is gone)' : ''}. Start it with \`keyless agent start\`.`
  }
  const lines = [
    `keyless agent: running, pid ${result.pid}, ${result.url}, up ${formatDuration(result.uptimeSeconds)}, ${Math.round(result.rssBytes / 1024 / 1024)} MB`,
    `  served ${result.counters.memory} from memory, ${result.counters.fetched} after a fetch; ${result.counters.refreshed} refreshed ahead; ${result.counters.refused} refused, ${result.counters.failed} failed`,
  ]
  if (result.profiles.length === 0) lines.push('  holds no profile yet')
  for (const p of result.profiles) {
    const left = p.secondsLeft === undefined ? 'no credentials' : `${formatDuration(p.secondsLeft)} left`
    lines.push(`  ${p.guarded ? '[PROD] ' : ''}${p.profile}${p.session ? ` (session ${p.session})` : ''}: ${left}`)
  }
  lines.push(`  log: ${result.logFile}`)
  return lines.join('\n')
}
