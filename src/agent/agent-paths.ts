import {join} from 'node:path'
import type {Paths} from '../util/paths.js'

/** Where the agent keeps its state file and its log. */
export interface AgentPaths {
  /** $XDG_RUNTIME_DIR/keyless (a per-user tmpfs, wiped at logout), else <cache dir>/agent; mode 0700. */
  runDir: string
  /** agent.json in runDir: pid, port, start time (no secret; mode 0600). */
  stateFile: string
  /** $XDG_STATE_HOME/keyless (default ~/.local/state/keyless): agent.log, rotated small. */
  logFile: string
}

export function agentPaths(env: NodeJS.ProcessEnv, paths: Pick<Paths, 'home' | 'cacheDir'>): AgentPaths {
  const runtime = env.XDG_RUNTIME_DIR?.startsWith('/') ? env.XDG_RUNTIME_DIR : undefined
  const runDir = runtime ? join(runtime, 'keyless') : join(paths.cacheDir, 'agent')
  const stateRoot = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(paths.home, '.local', 'state')
  return {runDir, stateFile: join(runDir, 'agent.json'), logFile: join(stateRoot, 'keyless', 'agent.log')}
}
