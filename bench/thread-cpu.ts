// Loaded with `node --import ./bench/thread-cpu.ts …`: at exit, prints the CPU time of each thread of the process
// to stderr, summed per thread name (MainThread, libuv-worker, V8Worker, …), from /proc/self/task/*/stat.
//
// GNU time gives the whole process; this splits it into the event loop, the thread pool that runs the file-system
// calls, and V8's helpers (garbage collection, compilation). Linux only.
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux this runs on). */
const HZ = 100

process.on('exit', () => {
  const byName = new Map<string, { user: number; sys: number; threads: number }>()
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    } catch {
      continue
    }
    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const entry = byName.get(name) ?? { user: 0, sys: 0, threads: 0 }
    entry.user += Number(fields[11])
    entry.sys += Number(fields[12])
    entry.threads++
    byName.set(name, entry)
  }
  const ms = (ticks: number) => Math.round((ticks * 1000) / HZ)
  const parts = [...byName].map(([n, e]) => `${n} x${e.threads}: user ${ms(e.user)} ms, sys ${ms(e.sys)} ms`)
  process.stderr.write(`thread-cpu: ${parts.join(' | ')}\n`)
})
