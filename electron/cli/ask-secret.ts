import { PinpointError } from '../../shared/pinpoint-error.ts'

/** The terminal side of stdin, as the prompt uses it. */
type TerminalInput = NodeJS.ReadableStream & { setRawMode(on: boolean): unknown }

/**
 * One line from the terminal with echo off (curl's password prompt; also a key's passphrase): the prompt on
 * stderr, the typed text never shown. Enter or Ctrl-D finishes it; Ctrl-C, or the terminal going away, is
 * INTERRUPTED, so the command stops rather than going on with an empty secret or waiting for ever.
 */
export async function askSecretOnTerminal(
  prompt: string,
  stdin: TerminalInput = process.stdin,
  show: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<string> {
  // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
  stdin.setRawMode(true)
  show(prompt)
  stdin.resume()
  let text = ''
  try {
    return await new Promise<string>((resolve, reject) => {
      const stop = () => reject(new PinpointError('INTERRUPTED', 'stopped at the prompt: nothing was entered'))
      const finish = (settle: () => void) => {
        stdin.off('data', onData)
        stdin.off('end', stop)
        settle()
      }
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(text))
          if (ch === '\u0003') return finish(stop)
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('')
          else text += ch
        }
      }
      stdin.on('data', onData)
      stdin.once('end', stop)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
    show('\n')
  }
}
