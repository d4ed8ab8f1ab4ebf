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
  // The caller's shell-function and profile markers mean nothing to the agent.
  const {KEYLESS_SHELL_EXPORT_FILE: _file, KEYLESS_SHELL: _shell, KEYLESS_SHELL_AGENT: _agent, KEYLESS_PROFILE: _profile, KEYLESS_ENVIRONMENT: _environment, ...env} = input.env
  const child = spawn(input.node, args, {detached: true, stdio: 'ignore', env, cwd: '/'})
  child.unref()
}
