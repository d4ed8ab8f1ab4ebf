import {UsageError} from '../errors.js'

/** Shells `promptSegment` has a snippet for. */
export const promptShells = ['bash', 'zsh', 'fish'] as const

// The profile: the marker `keyless exec` sets, else AWS_PROFILE (what `switch` sets). The environment:
// KEYLESS_ENVIRONMENT, set by exec (and switch) for guarded profiles.
const posix = (open: string, close: string) => `# keyless prompt segment: the profile in use, white on red for production.
# Use it in your prompt, for example: ${open === '\\001' ? `PS1='$(keyless_prompt)'"$PS1"` : `setopt PROMPT_SUBST; PROMPT='$(keyless_prompt)'"$PROMPT"`}
keyless_prompt() {
  local _keyless_p="\${KEYLESS_PROFILE:-\${AWS_PROFILE:-}}" _keyless_e="\${KEYLESS_ENVIRONMENT:-}"
  if [ -z "$_keyless_p" ] && [ -z "$_keyless_e" ]; then return 0; fi
  case "$_keyless_e" in
    [Pp][Rr][Oo][Dd]|[Pp][Rr][Oo][Dd][Uu][Cc][Tt][Ii][Oo][Nn])
      if [ -n "\${NO_COLOR:-}" ]; then printf '[%s !! PROD !!] ' "$_keyless_p"
      else printf '${open}\\033[1;97;41m${close} %s PROD ${open}\\033[0m${close} ' "$_keyless_p"; fi ;;
    '') printf '(%s) ' "$_keyless_p" ;;
    *) printf '(%s %s) ' "$_keyless_p" "$_keyless_e" ;;
  esac
}
`

const fish = `# keyless prompt segment: the profile in use, white on red for production.
# Use it in your prompt, for example:
#   functions -c fish_prompt _keyless_fish_prompt; function fish_prompt; keyless_prompt; _keyless_fish_prompt; end
function keyless_prompt --description 'keyless: the AWS profile in use, red for production'
    set -l p "$KEYLESS_PROFILE"
    test -z "$p"; and set p "$AWS_PROFILE"
    set -l e (string lower -- "$KEYLESS_ENVIRONMENT")
    if test -z "$p" -a -z "$e"
        return 0
    end
    if contains -- "$e" prod production
        if set -q NO_COLOR
            printf '[%s !! PROD !!] ' "$p"
        else
            set_color -o white -b red; printf ' %s PROD ' "$p"; set_color normal; printf ' '
        end
    else if test -n "$e"
        printf '(%s %s) ' "$p" "$e"
    else
        printf '(%s) ' "$p"
    end
end
`

/**
 * The shell function `keyless_prompt` for `shell-init` to include: it prints the profile in use, and
 * for production (KEYLESS_ENVIRONMENT=prod) a white-on-red segment, or `!! PROD !!` under NO_COLOR.
 */
export function promptSegment(shell: string): string {
  switch (shell) {
    // bash: \001 \002 tell readline the color codes take no width.
    case 'bash':
      return posix('\\001', '\\002')
    // zsh: %{ %} do the same (the output is prompt-expanded; a literal % is written %%).
    case 'zsh':
      return posix('%%{', '%%}')
    case 'fish':
      return fish
    default:
      throw new UsageError(`No prompt segment for shell "${shell}".`, `Use one of: ${promptShells.join(', ')}.`)
  }
}
