// Loaded with `node --import ./bench/sql-count.ts …`: counts the SQLite statements the process runs, per statement
// text, and prints the most frequent to stderr at exit. Divided by the number of files, it is the store's work per
// file, a figure that does not move with the machine's load as CPU times do.
import { StatementSync } from 'node:sqlite'

const counts = new Map<string, number>()
for (const method of ['run', 'get', 'all', 'iterate'] as const) {
  const original = StatementSync.prototype[method] as (...args: unknown[]) => unknown
  Object.defineProperty(StatementSync.prototype, method, {
    configurable: true,
    writable: true,
    value: function (this: StatementSync, ...args: unknown[]) {
      const key = `${method} ${this.sourceSQL.replace(/\s+/g, ' ').trim().slice(0, 100)}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
      return original.apply(this, args)
    },
  })
}

process.on('exit', () => {
  const sorted = [...counts].sort((a, b) => b[1] - a[1])
  const total = sorted.reduce((n, [, c]) => n + c, 0)
  const lines = sorted.slice(0, 30).map(([sql, n]) => `${String(n).padStart(7)}  ${sql}`)
  process.stderr.write(`sql-count: ${total} statements\n${lines.join('\n')}\n`)
})
