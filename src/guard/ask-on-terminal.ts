import {InterruptedError} from '../errors.js'

/**
 * Asks on the terminal (question on stderr, answer from stdin, so stdout stays data) for the text
 * `expected`; true when the answer matches it, case-insensitively. Ctrl-C cancels.
 */
export async function askOnTerminal(message: string, expected: string): Promise<boolean> {
  const {input} = await import('@inquirer/prompts')
  try {
    const answer = await input({message}, {input: process.stdin, output: process.stderr})
    return answer.trim().toLowerCase() === expected.trim().toLowerCase()
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') throw new InterruptedError()
    throw error
  }
}
