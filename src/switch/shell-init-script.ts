import {promptSegment} from '../guard/prompt-segment.js'
import {shellCompletion} from './shell-completion.js'
import type {SwitchShell} from './shell-exports.js'

/**
 * What `keyless shell-init SHELL` prints, for `eval "$(keyless shell-init zsh)"` (bash, zsh) or
 * `keyless shell-init fish | source`: a `keyless` function that runs the real keyless and, for
 * `switch`, sources what it wrote into a fresh mktemp file — a child process cannot change its
 * parent shell, but a function can. Every other subcommand passes straight through. Also the
 * `keyless_prompt` segment (the profile in use, red for production), and profile-name completion
 * (shell-completion.ts).
 *
 * `command` is how to run the real keyless (`keyless` → `command keyless`, bypassing this function;
 * otherwise an absolute path, already quoted).
 */
export function shellInitScript(shell: SwitchShell, command: string, commands: readonly string[] = [], options: {agent?: boolean} = {}): string {
  const run = command === 'keyless' ? 'command keyless' : command
  // Agent mode: switch points the shell at the keyless agent instead of setting AWS_PROFILE.
  const mode = options.agent ? 'KEYLESS_SHELL_AGENT=1 ' : ''
  const body = shell === 'fish' ? fishFunction(run, mode) : posixFunction(shell, run, mode)
  const completion = shellCompletion(shell, commands)
  return `${body}\n${promptSegment(shell)}${completion ? `\n${completion}` : ''}`
}

function posixFunction(shell: 'bash' | 'zsh', run: string, mode: string): string {
  return `# keyless shell integration (${shell}): \`keyless switch\` changes AWS_PROFILE in this shell.
# Install: add  eval "$(keyless shell-init ${shell})"  to ~/.${shell}rc
keyless() {
  if [ "\${1-}" = switch ]; then
    local __keyless_file __keyless_status
    __keyless_file="$(mktemp -t keyless-switch.XXXXXX)" || return 1
    KEYLESS_SHELL_EXPORT_FILE="$__keyless_file" KEYLESS_SHELL=${shell} ${mode}${run} "$@"
    __keyless_status=$?
    if [ "$__keyless_status" -eq 0 ] && [ -s "$__keyless_file" ]; then
      . "$__keyless_file"
    fi
    rm -f -- "$__keyless_file"
    return "$__keyless_status"
  fi
  ${run} "$@"
}
`
}

function fishFunction(run: string, mode: string): string {
  return `# keyless shell integration (fish): \`keyless switch\` changes AWS_PROFILE in this shell.
# Install: add  keyless shell-init fish | source  to ~/.config/fish/config.fish
function keyless --description 'keyless (switch changes AWS_PROFILE in this shell)'
    if test (count $argv) -gt 0; and test "$argv[1]" = switch
        set -l __keyless_file (mktemp -t keyless-switch.XXXXXX); or return 1
        KEYLESS_SHELL_EXPORT_FILE=$__keyless_file KEYLESS_SHELL=fish ${mode}${run} $argv
        set -l __keyless_status $status
        if test $__keyless_status -eq 0; and test -s $__keyless_file
            source $__keyless_file
        end
        rm -f -- $__keyless_file
        return $__keyless_status
    end
    ${run} $argv
end
`
}
