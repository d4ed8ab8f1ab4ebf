import {InterruptedError} from '../errors.js'
import type {FixChoice} from './fix-keys.js'

/** The `--fix` checklist on the terminal (on stderr, so stdout stays data). Ctrl-C cancels. */
export async function chooseProfiles(choices: FixChoice[]): Promise<string[]> {
  const {checkbox} = await import('@inquirer/prompts')
  try {
    return await checkbox(
      {
        message: 'Move these keys off disk into the secret store (space toggles, enter confirms)',
        choices: choices.map((c) => ({
          value: c.profile,
          checked: c.checked,
          name: [
            ...(c.findings.every((f) => f.location.startsWith(c.profile)) ? [] : [c.profile]),
            c.findings.map((f) => `${f.location}${f.keyId ? ` ${f.keyId}` : ''} ${f.severity}`).join('; '),
          ].join('  '),
        })),
      },
      {input: process.stdin, output: process.stderr},
    )
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') throw new InterruptedError()
    throw error
  }
}
