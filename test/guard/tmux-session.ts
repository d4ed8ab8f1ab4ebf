import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

/** A real terminal for tests: a private tmux server (its own socket) running one shell. */
export interface TmuxSession {
  send(...keys: string[]): void
  /** The visible screen (with escape sequences when `escapes`). */
  screen(escapes?: boolean): string
  /** Polls the screen until `pattern` shows; returns the screen. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  close(): void
}

export function startTmux(dir: string, command: string, env: NodeJS.ProcessEnv): TmuxSession {
  const socket = join(dir, 'tmux.sock')
  const tmux = (...args: string[]) => {
    const r = spawnSync('tmux', ['-S', socket, ...args], {env, encoding: 'utf8', timeout: 10_000})
    if (r.status !== 0) throw new Error(`tmux ${args[0]}: ${r.stderr}`)
    return r.stdout
  }
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', '160', '-y', '50', command)
  const screen = (escapes = false) => tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-t', 't')
  return {
    send: (...keys) => void tmux('send-keys', '-t', 't', ...keys),
    screen,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const text = screen()
        if (pattern.test(text)) return text
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    close: () => void spawnSync('tmux', ['-S', socket, 'kill-server'], {env, timeout: 10_000}),
  }
}
