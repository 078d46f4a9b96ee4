import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseLogList, type LogList } from './log-list.ts'

/** Where `pinpoint ct update` keeps the verified list, its signature and where it came from, in the state folder. */
export function logListPaths(stateDir: string): { dir: string; json: string; sig: string; source: string } {
  const dir = join(stateDir, 'ct')
  return {
    dir,
    json: join(dir, 'log_list.json'),
    sig: join(dir, 'log_list.sig'),
    source: join(dir, 'source.json'),
  }
}

/**
 * Store a list whose signature has been verified. Each file is written beside its final name and renamed over
 * it, so a reader never sees half a list; the JSON goes last, as it is the one readers look at.
 */
export function installLogList(stateDir: string, json: Buffer, sig: Buffer, source: { url: string; at: Date }): void {
  const paths = logListPaths(stateDir)
  // 0700 like the state folder itself, which this may be the first thing to create.
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 })
  const put = (path: string, data: Buffer | string) => {
    writeFileSync(`${path}.tmp`, data)
    renameSync(`${path}.tmp`, path)
  }
  put(paths.sig, sig)
  put(paths.source, `${JSON.stringify({ url: source.url, fetchedAt: source.at.toISOString() })}\n`)
  put(paths.json, json)
}

/**
 * The installed list, read again only when its file changes (a `stat` per call, no parse): every TLS
 * connection asks, and `pinpoint ct update` may run beside a long-lived app. Undefined when none is installed,
 * or when the file does not parse, which counts as no list rather than a list that knows no log.
 */
export function logListLoader(stateDir: string): () => LogList | undefined {
  const path = logListPaths(stateDir).json
  let seen = ''
  let list: LogList | undefined
  return () => {
    let stamp: string
    try {
      const st = statSync(path)
      stamp = `${st.mtimeMs} ${st.size} ${st.ino}`
    } catch {
      seen = ''
      list = undefined
      return undefined
    }
    if (stamp !== seen) {
      seen = stamp
      try {
        list = parseLogList(readFileSync(path))
      } catch {
        list = undefined
      }
    }
    return list
  }
}
