// The benchmark's latency probe: a TCP connect to host:port every `interval` ms for `seconds`, each timed from
// connect() to the SYN-ACK; the connection is closed at once. The SYN-ACK leaves through the server's egress
// queue, so its delay is the queue a download builds there. Prints one JSON line: count, failures, median and
// 95th percentile in ms; with a fourth argument, also writes every sample ({ at, rttMs }) to that file.
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'

const [host = '', portText = '', secondsText = '', record] = process.argv.slice(2)
const port = Number(portText)
const seconds = Number(secondsText)
if (!host || !Number.isInteger(port) || !(seconds > 0)) {
  console.error('usage: latency-probe.ts <host> <port> <seconds> [record.json]')
  process.exit(2)
}
const INTERVAL_MS = 100
const started = performance.now()
const samples: Array<{ at: number; rttMs: number }> = []
let failed = 0

function once(): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const socket = connect({ host, port })
    const timer = setTimeout(() => {
      failed++
      socket.destroy()
      resolve()
    }, 3_000)
    socket.once('connect', () => {
      clearTimeout(timer)
      samples.push({ at: Math.round(t0 - started), rttMs: Math.round((performance.now() - t0) * 1000) / 1000 })
      socket.destroy()
      resolve()
    })
    socket.once('error', () => {
      clearTimeout(timer)
      failed++
      socket.destroy()
      resolve()
    })
  })
}

while (performance.now() - started < seconds * 1000) {
  const next = performance.now() + INTERVAL_MS
  await once()
  await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())))
}
const sorted = samples.map((s) => s.rttMs).sort((a, b) => a - b)
const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null
console.log(JSON.stringify({ count: samples.length, failed, medianMs: pick(0.5), p95Ms: pick(0.95) }))
if (record) writeFileSync(record, `${JSON.stringify(samples)}\n`)
