import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'

import { askSecretOnTerminal } from '../../../electron/cli/ask-secret.ts'

/** A terminal's stdin as the prompt sees it: a stream that records its raw mode. */
function terminal() {
  const modes: boolean[] = []
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(on: boolean) {
      modes.push(on)
      return stdin
    },
  })
  return { stdin, modes }
}

describe('the secret prompt on a terminal', () => {
  it('turns echo off before the prompt shows, and back on after Enter', async () => {
    const { stdin, modes } = terminal()
    const shown: string[] = []
    const typed = askSecretOnTerminal('passphrase: ', stdin, (t) => shown.push(`${modes.join()}|${t}`))
    stdin.write('se\u007fecret\r')
    await expect(typed).resolves.toBe('secret')
    expect(shown[0]).toBe('true|passphrase: ')
    expect(modes).toEqual([true, false])
  })

  it('stops with INTERRUPTED on Ctrl-C', async () => {
    const { stdin } = terminal()
    const typed = askSecretOnTerminal('password: ', stdin, () => {})
    stdin.write('abc\u0003')
    await expect(typed).rejects.toMatchObject({ code: 'INTERRUPTED' })
  })

  it('stops with INTERRUPTED when the terminal goes away, rather than leaving the prompt unsettled', async () => {
    const { stdin, modes } = terminal()
    const typed = askSecretOnTerminal('password: ', stdin, () => {})
    stdin.write('abc')
    stdin.end()
    await expect(typed).rejects.toMatchObject({ code: 'INTERRUPTED' })
    expect(modes).toEqual([true, false])
  })
})
