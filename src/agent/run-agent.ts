import {errorBody, startCredentialEndpoint, tokenMatches, type EndpointAnswer, type EndpointRequest} from '../credentials/credential-endpoint.js'
import {KeylessError} from '../errors.js'
import {withLock} from '../lock/with-lock.js'
import {loadOrCreateAgentKeys} from './agent-keys.js'
import {agentPaths} from './agent-paths.js'
import {processAlive} from '../util/process-alive.js'
import {ensurePrivateDir, readAgentState, writeAgentState} from './agent-state.js'
import {createAgent, type AgentCounters, type AgentDeps, type HeldProfile} from './create-agent.js'
import {findAgent} from './find-agent.js'

/** What GET /v1/status answers (and `agent status --json` prints): never a secret. */
export interface AgentStatusBody {
  pid: number
  url: string
  startedAt: string
  uptimeSeconds: number
  profiles: HeldProfile[]
  counters: AgentCounters
  rssBytes: number
}

export interface RunAgentDeps extends AgentDeps {
  pid: number
  /** Where SIGTERM/SIGINT/SIGHUP arrive (process). */
  signals: {once(signal: NodeJS.Signals, fn: () => void): unknown}
  /** Resident memory now (process.memoryUsage.rss). */
  rss: () => number
  /** Told once, when the agent listens. */
  onListening?: (url: string) => void
}

const credentialsPrefix = '/v1/credentials/'
const forgetPattern = /^\/v1\/sessions\/([^/]+)\/forget$/

/**
 * `keyless agent run`: the agent in the foreground until SIGTERM/SIGINT/SIGHUP or `agent stop`.
 * One per user: under a lock, a running agent that answers is an error; a stale state file (dead
 * pid, or nobody answering) is replaced. It listens on 127.0.0.1 on the port of the state file
 * when that is free (so shells pointed at it keep working across restarts), else a random one.
 */
export async function runAgent(deps: RunAgentDeps): Promise<void> {
  const files = agentPaths(deps.env, deps.paths)
  await ensurePrivateDir(files.runDir)
  let stop: () => void = () => {}
  const stopped = new Promise<void>((resolve) => (stop = resolve))

  const {agent, endpoint, startedAt} = await withLock(
    'agent',
    async () => {
      const previous = await readAgentState(files.stateFile)
      if (previous?.pid && previous.pid !== deps.pid && processAlive(previous.pid)) {
        const running = await findAgent(deps)
        if (running) {
          throw new KeylessError(`The agent already runs (pid ${running.state.pid}, ${running.url}).`, {code: 'AgentRunning', hint: '`keyless agent stop` stops it.'})
        }
      }
      const keys = await loadOrCreateAgentKeys(deps.store)
      const agent = createAgent(keys, deps)
      const startedAt = deps.now()
      const control = (request: EndpointRequest): EndpointAnswer => {
        if (!tokenMatches(request.authorization, keys.control)) return {status: 403, body: errorBody('Forbidden', 'Wrong authorization token.')}
        if (request.method === 'GET' && request.path === '/v1/status') return {status: 200, body: statusBody()}
        if (request.method === 'POST' && request.path === '/v1/stop') {
          setImmediate(stop)
          return {status: 200, body: {stopping: true}}
        }
        const forget = request.method === 'POST' ? forgetPattern.exec(request.path) : null
        if (forget) return {status: 200, body: {forgotten: agent.forgetSession(decodeURIComponent(forget[1]))}}
        return {status: 404, body: errorBody('NotFound', 'No such endpoint.')}
      }
      const endpoint = await startCredentialEndpoint({
        port: previous?.port,
        log: deps.log,
        async handle(request) {
          if (request.path.startsWith(credentialsPrefix)) {
            if (request.method !== 'GET') return {status: 405, body: errorBody('MethodNotAllowed', 'Use GET.')}
            let name: string
            try {
              name = decodeURIComponent(request.path.slice(credentialsPrefix.length))
            } catch {
              return {status: 400, body: errorBody('BadRequest', 'The profile name is not URL-encoded properly.')}
            }
            return agent.credentials(name, request.authorization)
          }
          try {
            return control(request)
          } catch {
            return {status: 400, body: errorBody('BadRequest', 'Bad request.')}
          }
        },
      })
      await writeAgentState(files.stateFile, {pid: deps.pid, port: endpoint.port, startedAt})
      return {agent, endpoint, startedAt}
    },
    {dir: deps.paths.lockDir, timeoutMs: 15_000},
  )

  function statusBody(): AgentStatusBody {
    const now = deps.now()
    return {
      pid: deps.pid,
      url: `http://127.0.0.1:${endpoint.port}`,
      startedAt: new Date(startedAt).toISOString(),
      uptimeSeconds: Math.round((now - startedAt) / 1000),
      ...agent.status(),
      rssBytes: deps.rss(),
    }
  }

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) deps.signals.once(signal, () => stop())
  deps.log(`listening on http://127.0.0.1:${endpoint.port} (pid ${deps.pid})`)
  deps.onListening?.(`http://127.0.0.1:${endpoint.port}`)
  await stopped
  agent.close()
  await endpoint.close()
  const current = await readAgentState(files.stateFile)
  if (current?.pid === deps.pid) await writeAgentState(files.stateFile, {port: endpoint.port})
  deps.log(`stopped (pid ${deps.pid})`)
}
