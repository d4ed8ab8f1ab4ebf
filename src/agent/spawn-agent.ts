import {spawn} from 'node:child_process'

export interface SpawnAgentInput {
  /** node */
  node: string
  /** keyless's entry script (bin/run.js) */
  script: string
  env: NodeJS.ProcessEnv
  noLogin: boolean
}

/** Starts `keyless agent run` detached (its own session, no terminal, stdio closed; it logs to its file). */
export function spawnAgent(input: SpawnAgentInput): void {
  const args = [input.script, 'agent', 'run', ...(input.noLogin ? ['--no-login'] : [])]
  const child = spawn(input.node, args, {detached: true, stdio: 'ignore', env: input.env, cwd: '/'})
  child.unref()
}
