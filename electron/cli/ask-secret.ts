import { PinpointError } from '../../shared/pinpoint-error.ts'

/**
 * One line from the terminal with echo off (curl's password prompt): the prompt on stderr, the typed text never
 * shown. Enter or end of input finishes it; Ctrl-C is INTERRUPTED, so the command stops rather than going on
 * with an empty password.
 */
export async function askSecretOnTerminal(prompt: string): Promise<string> {
  const stdin = process.stdin
  // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
  stdin.setRawMode(true)
  process.stderr.write(prompt)
  stdin.resume()
  let text = ''
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (buf: Buffer) => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData)
            resolve(text)
            return
          }
          if (ch === '\u0003') {
            stdin.off('data', onData)
            reject(new PinpointError('INTERRUPTED', 'no password given'))
            return
          }
          if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('')
          else text += ch
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  }
}
