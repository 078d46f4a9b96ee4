import { describe, expect, it } from 'vitest'

import {
  BODY_MAX,
  createNotifyPlanner,
  displayName,
  firstCloseNotice,
  limitNotices,
  notifyPlan,
  type KnownTransfer,
  type Notice,
} from '../../../electron/shell/notify-plan.ts'
import type { TransferView } from '../../../shared/transfer.ts'
import { failure, view } from './transfer-view.ts'

const PIN_MESSAGE =
  "files.example.com at 203.0.113.7:443 (SNI files.example.com): no pin matches the server's leaf key; it presented " +
  'sha256//QbV27zbOAKY2Wxm+W3et/suekUxzDwvIsdqHo8AYUKg='

/** Feeds batches through one planner, as main does with the change feed, and collects every notice. */
function run(initial: TransferView[], ...batches: TransferView[][]): Notice[] {
  const planner = createNotifyPlanner(initial)
  return batches.flatMap((batch) => planner.plan(batch))
}

describe('notifyPlan', () => {
  it('notifies a completion once, however many patches carry it', () => {
    const t = view({ id: 1, state: 'downloading', name: 'disk.iso', total: 3 * 1024 ** 3 })
    const notices = run(
      [t],
      [{ ...t, done: 1 }],
      [{ ...t, done: 2 }],
      [{ ...t, state: 'verifying', done: t.total ?? 0 }],
      [{ ...t, state: 'completed', done: t.total ?? 0 }],
      [{ ...t, state: 'completed', done: t.total ?? 0, savedPath: '/downloads/disk.iso' }],
    )
    expect(notices).toEqual([
      { kind: 'completed', transferId: 1, title: 'Download complete', body: 'disk.iso (3.00 GiB)' },
    ])
  })

  it('says nothing for progress patches', () => {
    const t = view({ id: 2, state: 'downloading' })
    expect(
      notifyPlan(new Map([[2, t]]), [
        { ...t, done: 10 },
        { ...t, done: 20 },
      ]),
    ).toEqual([])
  })

  it('does not announce a transfer that was already finished when the planner started', () => {
    const done = view({ id: 3, state: 'completed', done: 100 })
    const failed = view({ id: 4, state: 'failed', error: failure('HTTP_STATUS') })
    expect(
      run(
        [done, failed],
        [
          { ...done, position: 9 },
          { ...failed, position: 8 },
        ],
      ),
    ).toEqual([])
  })

  it('notifies a new transfer whose whole life fits in one coalesced patch (it was never seen under way)', () => {
    const notices = notifyPlan(new Map(), [view({ id: 5, state: 'completed', done: 100 })])
    expect(notices.map((n) => [n.kind, n.transferId])).toEqual([['completed', 5]])
  })

  it('notifies each failure again after a retry, but not the failure repeated', () => {
    const t = view({ id: 6, state: 'downloading' })
    const failed = { ...t, state: 'failed' as const, error: failure('CONNECTION_RESET', 'connection reset by peer') }
    const notices = run([t], [failed], [failed], [{ ...t, state: 'queued' }], [{ ...t, state: 'connecting' }], [failed])
    expect(notices).toHaveLength(2)
    expect(notices[0]).toEqual({
      kind: 'failed',
      transferId: 6,
      title: 'Download failed',
      body: 'file-6.bin\nconnection reset by peer',
    })
  })

  it('reports a pin mismatch as its own kind, naming the host and the presented pin', () => {
    const t = view({ id: 7, state: 'connecting', name: 'report.pdf' })
    const [notice, ...rest] = run([t], [{ ...t, state: 'failed', error: failure('PIN_MISMATCH', PIN_MESSAGE) }])
    expect(rest).toEqual([])
    expect(notice?.kind).toBe('pin')
    expect(notice?.title).toBe('Pin mismatch: download stopped')
    expect(notice?.body).toContain('report.pdf')
    expect(notice?.body).toContain('files.example.com')
    expect(notice?.body).toContain('sha256//QbV27zbOAKY2Wxm+W3et/suekUxzDwvIsdqHo8AYUKg=')
  })

  it('notifies a pause caused by an error (a full disk) but not a pause the user asked for', () => {
    const t = view({ id: 8, state: 'downloading' })
    const disk = failure('DISK_FULL', 'not enough space in /downloads: 100 bytes needed, 0 free')
    const notices = run([t], [{ ...t, state: 'paused', error: disk }], [{ ...t, state: 'paused', error: disk }])
    expect(notices.map((n) => [n.kind, n.title])).toEqual([['failed', 'Download paused']])
    expect(notices[0]?.body).toContain('not enough space')
    expect(run([t], [{ ...t, state: 'paused', error: null }])).toEqual([])
  })

  it('notifies a failure that turns into a different failure', () => {
    const t = view({ id: 9, state: 'failed', error: failure('DNS_FAILED') })
    const notices = run([t], [{ ...t, error: failure('PIN_MISMATCH', PIN_MESSAGE) }])
    expect(notices.map((n) => n.kind)).toEqual(['pin'])
  })

  it('takes several patches of one transfer in a batch in order', () => {
    const t = view({ id: 10, state: 'downloading' })
    const completed = { ...t, state: 'completed' as const, done: 100 }
    expect(notifyPlan(new Map([[10, t]]), [completed, completed, { ...completed, position: 2 }])).toHaveLength(1)
  })

  it('does not change the map it is given', () => {
    const t = view({ id: 11, state: 'downloading' })
    const prev = new Map<number, KnownTransfer>([[11, t]])
    notifyPlan(prev, [{ ...t, state: 'completed' }])
    expect(prev.get(11)?.state).toBe('downloading')
  })

  it('clips a long error to a few lines', () => {
    const t = view({ id: 12, state: 'downloading' })
    const [notice] = notifyPlan(new Map([[12, t]]), [
      { ...t, state: 'failed', error: failure('INTERNAL', 'x'.repeat(4000)) },
    ])
    expect(notice?.body.length).toBe(BODY_MAX)
    expect(notice?.body.endsWith('…')).toBe(true)
  })

  it('forgets the transfers a batch removes', () => {
    const t = view({ id: 13, state: 'completed' })
    const planner = createNotifyPlanner([t])
    expect(planner.plan([], [13])).toEqual([])
    expect(planner.plan([t]).map((n) => n.kind)).toEqual(['completed'])
  })
})

describe('limitNotices', () => {
  const notice = (kind: Notice['kind'], id: number): Notice => ({ kind, transferId: id, title: kind, body: `f${id}` })

  it('keeps a few notices as they are, most urgent first', () => {
    expect(limitNotices([notice('completed', 1), notice('pin', 2)]).map((n) => n.transferId)).toEqual([2, 1])
  })

  it('folds the rest of a flood into one summary that counts it', () => {
    const flood = Array.from({ length: 20 }, (_, i) => notice('failed', i))
    const shown = limitNotices([notice('completed', 100), ...flood, notice('pin', 200)], 3)
    expect(shown).toHaveLength(3)
    expect(shown.map((n) => n.transferId)).toEqual([200, 0, null])
    expect(shown[2]?.title).toBe('20 more downloads need attention')
    expect(shown[2]?.kind).toBe('failed')
  })

  it('calls a summary of completions complete', () => {
    const shown = limitNotices(
      Array.from({ length: 5 }, (_, i) => notice('completed', i)),
      2,
    )
    expect(shown[1]).toMatchObject({ kind: 'completed', transferId: null, title: '4 more downloads complete' })
    expect(shown[1]?.body).toBe('f1, f2, f3, f4')
  })
})

describe('displayName', () => {
  it('prefers the name, then the last path segment, then the host', () => {
    expect(displayName({ name: 'a.iso', url: 'https://h.example/b.iso' })).toBe('a.iso')
    expect(displayName({ name: null, url: 'https://h.example/dir/my%20file.iso?x=1' })).toBe('my file.iso')
    expect(displayName({ name: null, url: 'https://h.example/' })).toBe('h.example')
  })
})

describe('firstCloseNotice', () => {
  it('tells the user that Pinpoint keeps running in the tray', () => {
    const notice = firstCloseNotice('linux')
    expect(notice.body).toMatch(/^Pinpoint keeps running in the tray/)
    expect(notice.title).toBe('Pinpoint is still running')
  })

  it('says menu bar on macOS', () => {
    expect(firstCloseNotice('darwin').body).toMatch(/^Pinpoint keeps running in the menu bar/)
  })
})
