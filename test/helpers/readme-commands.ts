import {readFileSync} from 'node:fs'

export interface ReadmeCommand {
  /** The command as written, without its trailing `# comment`. */
  command: string
  /** 1-based line in README.md. */
  line: number
}

/** Fenced code blocks of a Markdown text, with the language tag and the line each starts on. */
export function codeBlocks(markdown: string): Array<{lang: string; lines: string[]; start: number}> {
  const blocks: Array<{lang: string; lines: string[]; start: number}> = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i])
    if (!open) continue
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !/^```\s*$/.test(lines[j]); j++) body.push(lines[j])
    blocks.push({lang: open[1], lines: body, start: i + 2})
    i = j
  }
  return blocks
}

/** Drops a trailing ` # comment` (outside quotes). */
export function stripComment(line: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === "'" || c === '"') quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd()
  }
  return line.trimEnd()
}

/**
 * Every shell line of README.md's `sh` code blocks that runs keyless: lines starting with
 * `keyless ` and lines that run it inside `$(…)` (`eval "$(keyless shell-init zsh)"`). Read at
 * test time, so examples added to the README are tested without touching the test.
 */
export function readmeCommands(path: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = []
  for (const block of codeBlocks(readFileSync(path, 'utf8'))) {
    if (block.lang !== 'sh' && block.lang !== 'bash' && block.lang !== 'shell') continue
    block.lines.forEach((raw, i) => {
      const command = stripComment(raw).trim()
      if (/^keyless(\s|$)/.test(command) || /\$\(keyless\s/.test(command)) commands.push({command, line: block.start + i})
    })
  }
  return commands
}

/** The text of README.md's `ini` blocks (example AWS config sections). */
export function readmeIniBlocks(path: string): string[] {
  return codeBlocks(readFileSync(path, 'utf8')).filter((b) => b.lang === 'ini').map((b) => `${b.lines.join('\n')}\n`)
}
