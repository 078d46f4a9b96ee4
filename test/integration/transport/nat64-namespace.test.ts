import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makePki, type Pki } from '../../fixtures/pki.ts'
import { BIN } from '../../fixtures/run-cli.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const run = promisify(execFile)

// An IPv6-only network, for real: a network namespace of the test's own with loopback up, its IPv4 address
// removed (so there is no IPv4 route at all), Debian's Unbound with its dns64 module as the system resolver
// (answering AAAA for ipv4only.arpa from the well-known A records), and an HTTPS server listening only on
// 64:ff9b::c000:20a, the synthesis of 192.0.2.10. A download told to connect a.test to 192.0.2.10 can only
// succeed by discovering the prefix and synthesizing that address. Nothing leaves the namespace.
let pki: Pki
let dir: string

beforeAll(async () => {
  pki = await makePki()
  dir = await makeTempDir('nat64')
  await writeFile(
    join(dir, 'ipv4only.zone'),
    [
      '$ORIGIN ipv4only.arpa.',
      '@ 3600 IN SOA localhost. nobody.invalid. 1 3600 600 86400 3600',
      '@ 3600 IN NS localhost.',
      '@ 3600 IN A 192.0.0.170',
      '@ 3600 IN A 192.0.0.171',
      '',
    ].join('\n'),
  )
  await writeFile(join(dir, 'resolv.conf'), 'nameserver ::1\n')
  await writeFile(join(dir, 'server.mjs'), SERVER)
}, 30_000)
afterAll(async () => {
  await removeTempDir(dir)
})

const SERVER = `
import https from 'node:https'
import { readFileSync } from 'node:fs'
const [key, cert, ready] = process.argv.slice(2)
const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
  res.end('over nat64\\n')
})
server.listen(8443, '64:ff9b::c000:20a', () => process.stdout.write(ready + '\\n'))
`

function unboundConf(dns64: boolean): string {
  const q = (s: string) => JSON.stringify(s)
  return `server:
  interface: ::1@53
  do-daemonize: no
  username: ""
  chroot: ""
  directory: ${q(dir)}
  pidfile: ${q(join(dir, 'unbound.pid'))}
  use-syslog: no
  logfile: ""
  do-ip4: no
  access-control: ::1/128 allow
  module-config: "${dns64 ? 'dns64 ' : ''}iterator"
  dns64-prefix: 64:ff9b::/96
auth-zone:
  name: "ipv4only.arpa."
  zonefile: ${q(join(dir, 'ipv4only.zone'))}
  for-upstream: yes
  for-downstream: no
  fallback-enabled: no
`
}

/** Run `pinpoint args…` inside a fresh IPv6-only namespace; returns its exit code and output, and the route table. */
async function inIpv6Only(
  dns64: boolean,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; routes4: string }> {
  await writeFile(join(dir, 'unbound.conf'), unboundConf(dns64))
  // Background processes are stopped by their PIDs, on every way out: sh (dash) has no job control here, so
  // "kill %1" finds no job, and Unbound would outlive the test holding its namespace.
  const script = `
set -e
pids=
trap 'kill $pids 2>/dev/null; wait' EXIT
ip link set lo up
ip addr del 127.0.0.1/8 dev lo
ip addr add 64:ff9b::c000:20a/128 dev lo
mount --bind '${dir}/resolv.conf' /etc/resolv.conf
/usr/sbin/unbound -d -c '${dir}/unbound.conf' >'${dir}/unbound.log' 2>&1 &
pids="$pids $!"
"$NODE" '${dir}/server.mjs' '${pki.aTest.keyPath}' '${pki.aTest.chainPath}' ready >'${dir}/server.out' 2>&1 &
pids="$pids $!"
for i in $(seq 100); do
  grep -q ready '${dir}/server.out' 2>/dev/null && getent ahostsv6 ipv4only.arpa >/dev/null 2>&1 && break
  ${dns64 ? '' : "grep -q ready '" + dir + "/server.out' 2>/dev/null && break"}
  sleep 0.1
done
ip -4 route >'${dir}/routes4' 2>&1 || true
set +e
"$NODE" '${BIN}' "$@" >'${dir}/stdout' 2>'${dir}/stderr'
echo $? >'${dir}/code'
exit 0
`
  await run('unshare', ['--net', '--mount', 'sh', '-c', script, 'sh', ...args], {
    env: { ...process.env, NODE: process.execPath, PINPOINT_STATE_DIR: join(dir, `state-${dns64}`) },
    timeout: 60_000,
  })
  const read = (f: string) => readFile(join(dir, f), 'utf8').catch(() => '')
  return {
    code: Number((await read('code')).trim()),
    stdout: await read('stdout'),
    stderr: await read('stderr'),
    routes4: await read('routes4'),
  }
}

describe.skipIf(!existsSync('/usr/sbin/unbound'))('an IPv6-only network with DNS64', () => {
  const flags = () => ['--resolve', 'a.test:8443:192.0.2.10', '--cacert', pki.caPath, '--connect-timeout', '5']

  it('a rule with an IPv4 address connects through the synthesized NAT64 address, and says both', async () => {
    const out = join(dir, 'got.txt')
    const got = await inIpv6Only(true, ['get', ...flags(), '-o', out, 'https://a.test:8443/file.txt'])
    expect(got.routes4.trim()).toBe('')
    expect(got.stderr).toContain('saved ')
    expect(got.code).toBe(0)
    expect(await readFile(out, 'utf8')).toBe('over nat64\n')

    const probe = await inIpv6Only(true, ['probe', '--json', ...flags(), 'https://a.test:8443/'])
    expect(probe.code).toBe(0)
    const won = JSON.parse(probe.stdout).attempts.find((a: { outcome: string }) => a.outcome === 'won')
    expect(won).toMatchObject({ address: '64:ff9b::c000:20a', nat64: { from: '192.0.2.10', prefix: '64:ff9b::/96' } })
  }, 120_000)

  it('without DNS64 there is no prefix to find, and the IPv4 address fails as it would have', async () => {
    const got = await inIpv6Only(false, ['probe', ...flags(), 'https://a.test:8443/'])
    expect(got.code).toBe(3)
    expect(got.stderr).toContain('192.0.2.10')
  }, 120_000)

  it('stops its resolver and server: nothing started in the namespace outlives its run', async () => {
    // Runs after the cases above, which each started Unbound and the server in a namespace of their own.
    const left = await run('pgrep', ['-af', dir]).then(
      (r) => r.stdout.trim(),
      () => '', // pgrep exits 1 when nothing matches
    )
    expect(left).toBe('')
  })
})
