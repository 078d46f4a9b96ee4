import { request } from 'node:https'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'

import { startServe } from '../../../electron/serve/start-serve.ts'
import { makePki } from '../../fixtures/pki.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

function get(port: number, path: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost' }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('pinpoint serve over TLS', () => {
  it('serves HTTPS and WSS with --tls-cert/--tls-key, the token still required', async () => {
    const pki = await makePki()
    const dir = await makeTempDir('serve-tls')
    await mkdir(join(dir, 'root'))
    const daemon = await startServe({
      port: 0,
      host: '127.0.0.1',
      roots: [join(dir, 'root')],
      stateDir: join(dir, 'state'),
      tls: { cert: pki.localhost.chainPath, key: pki.localhost.keyPath },
    })
    try {
      expect(daemon.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/)
      expect(await get(daemon.port, '/', pki.rootPem)).toBe(401)
      const ws = new WebSocket(`wss://127.0.0.1:${daemon.port}/ws?token=${daemon.token}`, { ca: pki.rootPem })
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      })
      const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))))
      ws.send(JSON.stringify({ id: 1, channel: 'settings:get', input: {} }))
      expect(JSON.parse(await reply)).toMatchObject({ id: 1, ok: true })
      ws.close()
    } finally {
      await daemon.close()
    }
  })
})
