import {InterruptedError} from '../errors.js'

export interface PickerChoice<T> {
  value: T
  name: string
  description?: string
}

export interface PickerOptions<T> {
  message: string
  /** Called on every keystroke with the current query: the choices to show, best first. */
  search: (query: string) => Array<PickerChoice<T>>
  initialQuery?: string
  pageSize?: number
  /** Where the picker draws (stderr, so stdout stays data). */
  output: NodeJS.WritableStream
  input: NodeJS.ReadableStream
}

/**
 * A fuzzy picker on the terminal: inquirer's search prompt with our own matcher. Enter picks, Esc
 * and Ctrl-C cancel (InterruptedError, exit 130). Loaded lazily (not on the credential path).
 */
export async function pick<T>(options: PickerOptions<T>): Promise<T> {
  const {default: search} = await import('@inquirer/search')
  const controller = new AbortController()
  // readline reports a lone Esc (after its escape-sequence timeout) as key "escape".
  const onKeypress = (_text: string, key: {name?: string} | undefined) => {
    if (key?.name === 'escape') controller.abort()
  }
  options.input.on('keypress', onKeypress)
  try {
    return await search<T>(
      {
        message: options.message,
        pageSize: options.pageSize ?? 12,
        ...(options.initialQuery ? {initialValue: options.initialQuery} : {}),
        source: (term) => options.search(term ?? ''),
        theme: {style: {keysHelpTip: () => 'type to filter · ↑↓ move · enter switch · esc cancel'}},
      },
      {input: options.input, output: options.output, signal: controller.signal, clearPromptOnDone: true},
    )
  } catch (error) {
    const name = (error as Error).name
    if (name === 'AbortPromptError' || name === 'ExitPromptError' || name === 'CancelPromptError') throw new InterruptedError('Cancelled; nothing changed.')
    throw error
  } finally {
    options.input.off('keypress', onKeypress)
  }
}
