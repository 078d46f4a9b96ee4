// DNS over HTTPS and node measurement costs on loopback: Debian's Unbound serving DoH (HTTP/2) with a throwaway
// certificate, and the shared reference nginx for `--nodes`. Prints one JSON object.
// Run: node bench/doh.ts [BENCH_DIR]   (needs unbound and openssl; the nginx of bench/run.sh for the nodes case)
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { HostRule } from '../shared/domain.ts'
import { measureNodes } from '../electron/transport/node-probe.ts'
import { createTransport } from '../electron/transport/transport.ts'

const dir = mkdtempSync(join(tmpdir(), 'pinpoint-doh-bench-'))
const benchDir = process.argv[2] ?? '/tmp/pinpoint-bench'
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-subj',
    '/CN=doh.test',
    '-addext',
    'subjectAltName=DNS:doh.test',
  ],
  { stdio: 'ignore' },
)
const port = 18000 + Math.floor(Math.random() * 1000)
const names = Array.from({ length: 200 }, (_, i) => `n${i}.test`)
writeFileSync(
  join(dir, 'unbound.conf'),
  `server:
  interface: 127.0.0.1@${port}
  https-port: ${port}
  tls-service-key: "${dir}/key.pem"
  tls-service-pem: "${dir}/cert.pem"
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: "${dir}/unbound.pid"
  use-syslog: no
  logfile: ""
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  local-zone: "test." static
${names.map((n) => `  local-data: "${n}. 300 IN A 127.0.0.1"`).join('\n')}
`,
)
const unbound = spawn('/usr/sbin/unbound', ['-d', '-c', join(dir, 'unbound.conf')], { stdio: 'ignore' })
await new Promise((r) => setTimeout(r, 800))

const dns = { mode: 'doh' as const, dohUrl: `https://doh.test:${port}/dns-query` }
const rules = [
  HostRule.parse({ pattern: 'doh.test', addresses: ['127.0.0.1'], ca: readFileSync(join(dir, 'cert.pem'), 'utf8') }),
]
const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100

const result: Record<string, unknown> = {}
try {
  const t = createTransport({ rules: () => rules })
  let t0 = performance.now()
  await t.resolve?.(names[0] as string, dns)
  result['coldMs'] = ms(t0) // TLS handshake + HTTP/2 session + A and AAAA
  const warm: number[] = []
  for (const n of names.slice(1, 101)) {
    t0 = performance.now()
    await t.resolve?.(n, dns)
    warm.push(performance.now() - t0)
  }
  warm.sort((a, b) => a - b)
  result['warmMedianMs'] = Math.round((warm[50] ?? 0) * 100) / 100 // session open, answer not cached
  t0 = performance.now()
  for (let i = 0; i < 10_000; i++) await t.resolve?.(names[1] as string, dns)
  result['cachedMicroseconds'] = Math.round(((performance.now() - t0) / 10_000) * 1000 * 100) / 100

  // `probe --nodes` over the reference nginx, one node, 1 MiB read over HTTPS.
  const ca = readFileSync(join(benchDir, 'certs', 'a.test.crt'), 'utf8')
  const nodeRules = [HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'], ca })]
  const nt = createTransport({ rules: () => nodeRules })
  const runs: number[] = []
  for (let i = 0; i < 5; i++) {
    t0 = performance.now()
    const report = await measureNodes(nt, new URL('https://a.test:8443/100m.bin'))
    if (report.nodes[0]?.error) throw new Error(report.nodes[0].error.message)
    runs.push(performance.now() - t0)
  }
  runs.sort((a, b) => a - b)
  result['nodesProbe1MiBMedianMs'] = Math.round((runs[2] ?? 0) * 10) / 10
} finally {
  unbound.kill()
}
console.log(JSON.stringify(result))
