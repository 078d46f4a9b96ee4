import { createInterface } from 'node:readline'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { CliIo } from './io.ts'

/**
 * A passphrase for a secret key: typed on the terminal with echo off, or, when stdin is not a terminal (a
 * script, a test), the first line of stdin. Ctrl-C and end of input give up rather than leave a prompt hanging.
 */
export async function readPassphrase(prompt: string, io: CliIo): Promise<string> {
  if (!process.stdin.isTTY) {
    const line = io.stdin ? ((await io.stdin()).split(/\r?\n/)[0] ?? '') : await firstLine()
    if (line === '') throw new PinpointError('BAD_INPUT', 'no passphrase on stdin for the encrypted secret key')
    return line
  }
  io.stderr(prompt)
  const stdin = process.stdin
  stdin.setRawMode(true)
  stdin.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = ''
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done(() => resolve(typed))
          if (ch === '\u0003' || ch === '\u0004') {
            return done(() => reject(new PinpointError('BAD_INPUT', 'no passphrase given')))
          }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('')
          else typed += ch
        }
      }
      const onEnd = () => done(() => reject(new PinpointError('BAD_INPUT', 'no passphrase given')))
      const done = (settle: () => void) => {
        stdin.off('data', onData)
        stdin.off('end', onEnd)
        io.stderr('\n')
        settle()
      }
      stdin.on('data', onData)
      stdin.once('end', onEnd)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}

/** The first line of stdin, without waiting for the end of input (a pipe may stay open after it); '' at EOF. */
function firstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin, terminal: false })
  return new Promise<string>((resolve) => {
    rl.once('line', (line) => {
      resolve(line)
      rl.close()
    })
    rl.once('close', () => resolve(''))
  }).finally(() => {
    // Nothing more is read from stdin: let go of it, or an open pipe would keep the process alive after the export.
    process.stdin.destroy()
  })
}
