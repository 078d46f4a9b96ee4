import { readFile } from 'node:fs/promises'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { unreadable } from './unreadable.ts'

/**
 * URLs from `-i FILE` (or `-i -` for stdin): one per line, `#` starts a comment, blank lines are skipped.
 * Lines are returned with their numbers so a bad one is reported as `FILE:LINE`.
 */
export async function readUrlList(
  source: string,
  stdin: () => Promise<string>,
): Promise<Array<{ text: string; where: string }>> {
  let text: string
  try {
    text = source === '-' ? await stdin() : await readFile(source, 'utf8')
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `-i ${source}: ${unreadable(err)}`)
  }
  const name = source === '-' ? 'stdin' : source
  const out: Array<{ text: string; where: string }> = []
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    out.push({ text: trimmed, where: `${name}:${i + 1}` })
  })
  return out
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
