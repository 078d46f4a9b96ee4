import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makeIpcHarness } from './ipc-harness.ts'

// A new link that fails its check: the refusal the window shows names the link without its signature.

let nginx: NginxServer
let base: string

beforeAll(async () => {
  nginx = await startNginx({ files: { 'big.bin': Buffer.alloc(4096, 7) } })
  base = `http://${nginx.host}:${nginx.port}`
})
afterAll(async () => {
  await nginx?.stop()
})

describe('transfers:refreshUrl refusals', () => {
  it('show the refused link with its signature and token hidden', async () => {
    const h = await makeIpcHarness()
    try {
      const { added } = await h.api.invoke('transfers:add', {
        urls: [`${base}/big.bin`],
        options: { startPaused: true },
      })
      const id = added[0]?.id ?? 0
      const answer = await h.api.invoke('transfers:refreshUrl', {
        id,
        url: `${base}/gone.bin?X-Amz-Signature=SECRET&token=SECRET2`,
      })
      expect(answer).toMatchObject({ ok: false, error: { code: 'HTTP_STATUS' } })
      const message = answer.ok ? '' : answer.error.message
      expect(message).toContain(`HTTP 404 for ${base}/gone.bin?X-Amz-Signature=…&token=…`)
      expect(message).not.toContain('SECRET')
      expect(h.store.transfers.get(id)?.url).toBe(`${base}/big.bin`)
    } finally {
      await h.close()
    }
  })
})
