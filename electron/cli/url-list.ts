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
    const where = `${name}:${i + 1}`
    checkOneUrl(trimmed, where)
    out.push({ text: trimmed, where })
  })
  return out
}

/**
 * A line holds one URL. The URL parser drops tabs wherever they are, so "A<TAB>B" (aria2c's mirrors) would be
 * fetched as the one URL "AB", and "A B" as "A%20B": both are refused by line. A space inside one URL (a name
 * with a space, pasted from a file listing) is still taken, percent-encoded by the parser as a browser would.
 */
function checkOneUrl(line: string, where: string): void {
  const parts = line.split(/([ \t]+)/)
  for (let i = 2; i < parts.length; i += 2) {
    if (/^https?:\/\//i.test(parts[i] as string)) {
      const sep = (parts[i - 1] as string).includes('\t') ? 'a tab' : 'a space'
      throw new PinpointError(
        'BAD_URL',
        `${where}: two URLs on one line (after ${sep}): put each URL on a line of its own`,
      )
    }
  }
  if (line.includes('\t')) {
    throw new PinpointError('BAD_URL', `${where}: a tab inside the URL: write it as %09, or put one URL per line`)
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
