import { link, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { recover } from '../../../electron/queue/recover.ts'
import { openStore } from '../../../electron/store/open-store.ts'

// A crash between the rename to the final name and the store's "completed".
async function setup() {
  const store = openStore({ dir: await mkdtemp(join(tmpdir(), 'pinpoint-recover-state-')) })
  const dir = await mkdtemp(join(tmpdir(), 'pinpoint-recover-dl-'))
  const target = join(dir, 'f.bin')
  const row = store.transfers.insert({ url: 'https://a.test/f.bin', dir, name: 'f.bin', targetPath: target })
  store.transfers.update(row.id, { state: 'finalizing', savedPath: target, total: 3 })
  await writeFile(`${target}.part`, 'abc')
  return { store, dir, target, id: row.id }
}

describe('recover', () => {
  it('finishes a rename whose link happened but whose unlink did not', async () => {
    const { store, dir, target, id } = await setup()
    await link(`${target}.part`, target)
    await recover(store)
    expect(store.transfers.get(id)).toMatchObject({ state: 'completed', savedPath: target })
    expect(await readdir(dir)).toEqual(['f.bin'])
    store.close()
  })

  it('completes when the rename finished entirely', async () => {
    const { store, dir, target, id } = await setup()
    await link(`${target}.part`, target)
    await import('node:fs/promises').then((fs) => fs.unlink(`${target}.part`))
    await recover(store)
    expect(store.transfers.get(id)?.state).toBe('completed')
    expect(await readdir(dir)).toEqual(['f.bin'])
    store.close()
  })

  it('never adopts a different file that happens to sit at the recorded name', async () => {
    const { store, dir, target, id } = await setup()
    await writeFile(target, 'someone else')
    await recover(store)
    expect(store.transfers.get(id)).toMatchObject({ state: 'queued', savedPath: null })
    expect((await readdir(dir)).sort()).toEqual(['f.bin', 'f.bin.part'])
    store.close()
  })

  it('queues transfers that were running when the process died', async () => {
    const { store, id } = await setup()
    store.transfers.update(id, { state: 'downloading' })
    await recover(store)
    expect(store.transfers.get(id)?.state).toBe('queued')
    expect(store.events.list(id).at(-1)?.kind).toBe('recovered')
    store.close()
  })
})
