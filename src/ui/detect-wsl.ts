/**
 * Whether this Linux runs under WSL (Windows Subsystem for Linux): WSL_DISTRO_NAME is set, or
 * /proc/version names Microsoft's kernel ("…-microsoft-standard-WSL2", "Microsoft" on WSL 1).
 * `readFile` returns a file's text or undefined (injected: tests give a fake /proc/version).
 */
export function detectWsl(env: NodeJS.ProcessEnv, readFile: (path: string) => string | undefined, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false
  if (env.WSL_DISTRO_NAME) return true
  return /microsoft|wsl/i.test(readFile('/proc/version') ?? '')
}
