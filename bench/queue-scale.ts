// The 10,000-queued-transfers case: how long an engine takes to come up over a big queue.
//
//   node bench/queue-scale.ts fill DIR N   make a state folder DIR holding N queued transfers (store API, one transaction)
//   node bench/queue-scale.ts start DIR    open the engine over DIR the way the CLI does (openStore + Queue.open),
//                                          print the milliseconds that took, and shut it down again
//
// bench/queue-scale.sh runs both under GNU time; `pinpoint ls` is timed there as the CLI itself.
import { performance } from 'node:perf_hooks'

import { openEngine } from '../electron/cli/open-engine.ts'
import { processIo } from '../electron/cli/io.ts'
import { openStore } from '../electron/store/open-store.ts'

const [cmd, dir, count] = process.argv.slice(2)
if (!dir || (cmd !== 'fill' && cmd !== 'start')) {
  process.stderr.write('usage: node bench/queue-scale.ts fill DIR N | start DIR\n')
  process.exit(2)
}

if (cmd === 'fill') {
  const n = Number(count ?? 10_000)
  const store = openStore({ dir })
  try {
    const have = store.transfers.count()
    // One transaction: 10,000 separate WAL commits would time the disk, not the queue.
    store.transaction(() => {
      for (let i = have; i < n; i++) {
        store.transfers.insert({
          url: `https://a.test:8443/queued/f${String(i).padStart(5, '0')}.bin`,
          dir: '/tmp/pinpoint-bench-queue-out',
          split: 1,
        })
      }
    })
    process.stdout.write(`${store.transfers.count()} transfers in ${dir}\n`)
  } finally {
    store.close()
  }
} else {
  const t0 = performance.now()
  const engine = await openEngine(
    { rules: [], ca: undefined, connectTimeoutMs: undefined },
    { stateDir: dir },
    processIo(),
  )
  const ms = performance.now() - t0
  const queued = engine.store.transfers.listByState(['queued']).length
  await engine.shutdown()
  process.stdout.write(`engine start ${ms.toFixed(1)} ms, ${queued} queued\n`)
}
