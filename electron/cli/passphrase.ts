import { createInterface } from 'node:readline'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { CliIo } from './io.ts'

/**
 * A passphrase for a secret key: typed on the terminal with echo off, or, when stdin is not a terminal (a
 * script, a test), the first line of stdin.
 */
export async function readPassphrase(prompt: string, io: CliIo): Promise<string> {
  // The terminal prompt is the one every secret uses: echo off before the prompt shows, Ctrl-C stops.
  if (process.stdin.isTTY && io.askSecret) return io.askSecret(prompt)
  const line = io.stdin ? ((await io.stdin()).split(/\r?\n/)[0] ?? '') : await firstLine()
  if (line === '') throw new PinpointError('BAD_INPUT', 'no passphrase on stdin for the encrypted secret key')
  return line
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
