import type {SwitchShell} from './shell-exports.js'

/**
 * Profile-name completion for `keyless exec|console|switch PROFILE` and `--profile PROFILE`, part of
 * shell-init: names come from the `[profile …]` headers of $AWS_CONFIG_FILE, read with sed (no node
 * start per <Tab>). bash and zsh delegate everything else to `keyless autocomplete` (oclif's
 * function, when it is set up; put shell-init after it), else complete subcommands; zsh registers
 * with compdef only when compinit has run. fish, which that plugin does not cover, gets the
 * subcommands itself.
 */
export function shellCompletion(shell: SwitchShell, commands: readonly string[]): string {
  const config = '"${AWS_CONFIG_FILE:-$HOME/.aws/config}"'
  const sed = `sed -n 's/^[[:space:]]*\\[profile[[:space:]][[:space:]]*\\([^]]*\\)\\][[:space:]]*$/\\1/p'`
  const list = [...commands].sort().join(' ')
  const profileNames = `_keyless_profile_names() { ${sed} ${config} 2>/dev/null; }`
  if (shell === 'bash') {
    return `# keyless completion (bash): profile names after exec, console, switch and --profile.
${profileNames}
_keyless_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$prev" = --profile ] || { [ "$COMP_CWORD" -eq 2 ] && [ "\${cur#-}" = "$cur" ] && case "\${COMP_WORDS[1]}" in exec|console|switch) true ;; *) false ;; esac; }; then
    local IFS=$'\\n'
    COMPREPLY=($(compgen -W "$(_keyless_profile_names)" -- "$cur"))
    return 0
  fi
  if declare -F _keyless_autocomplete >/dev/null 2>&1; then _keyless_autocomplete; return; fi
  [ "$COMP_CWORD" -eq 1 ] && COMPREPLY=($(compgen -W "${list}" -- "$cur"))
  return 0
}
complete -o default -F _keyless_complete keyless
`
  }
  if (shell === 'fish') {
    return `# keyless completion (fish): subcommands, and profile names after exec, console, switch and --profile.
function __keyless_profile_names
    set -l config ~/.aws/config
    set -q AWS_CONFIG_FILE; and set config $AWS_CONFIG_FILE
    ${sed} $config 2>/dev/null
end
function __keyless_wants_profile
    set -l words (commandline -opc)
    test (count $words) -eq 2; and contains -- $words[2] exec console switch
end
complete -c keyless -f
complete -c keyless -n __fish_use_subcommand -a '${list}'
complete -c keyless -n __keyless_wants_profile -a '(__keyless_profile_names)'
complete -c keyless -l profile -r -f -a '(__keyless_profile_names)'
`
  }
  return `# keyless completion (zsh): profile names after exec, console, switch and --profile/-p.
# Needs compinit (autoload -Uz compinit && compinit) before this eval; without it, nothing is registered.
${profileNames}
_keyless_complete() {
  if [[ \${words[CURRENT-1]} == (--profile|-p) ]] || { (( CURRENT == 3 )) && [[ \${words[2]} == (exec|console|switch) && \${words[CURRENT]} != -* ]] }; then
    local -a names expl
    names=(\${(f)"$(_keyless_profile_names)"})
    _wanted profiles expl profile compadd -a names
    return
  fi
  if (( $+functions[_keyless] )); then _keyless "$@"; return; fi
  if (( CURRENT == 2 )); then compadd -- ${list}; else _default; fi
}
if (( $+functions[compdef] )); then compdef _keyless_complete keyless; fi
`
}
