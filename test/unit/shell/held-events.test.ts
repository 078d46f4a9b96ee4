import { describe, expect, it } from 'vitest'

import { createHeldEvents } from '../../../electron/shell/held-events.ts'

describe('createHeldEvents (the preload holds events until the page listens)', () => {
  it('replays, in order, what arrived before the first listener of a channel, then delivers live', () => {
    const hub = createHeldEvents()
    hub.dispatch('links:offered', { urls: ['https://a.test/1'] })
    hub.dispatch('links:offered', { urls: ['https://b.test/2'] })
    const got: unknown[] = []
    hub.on('links:offered', (p) => got.push(p))
    hub.dispatch('links:offered', { urls: ['https://c.test/3'] })
    expect(got).toEqual([
      { urls: ['https://a.test/1'] },
      { urls: ['https://b.test/2'] },
      { urls: ['https://c.test/3'] },
    ])
  })

  it('replays to the first listener only, and keeps channels apart', () => {
    const hub = createHeldEvents()
    hub.dispatch('notice', 'n1')
    hub.dispatch('links:offered', 'l1')
    const first: unknown[] = []
    const second: unknown[] = []
    hub.on('notice', (p) => first.push(p))
    hub.on('notice', (p) => second.push(p))
    expect(first).toEqual(['n1'])
    expect(second).toEqual([])
    const links: unknown[] = []
    hub.on('links:offered', (p) => links.push(p))
    expect(links).toEqual(['l1'])
  })

  it('stops delivering to a listener once it unsubscribes', () => {
    const hub = createHeldEvents()
    const got: unknown[] = []
    const off = hub.on('notice', (p) => got.push(p))
    off()
    hub.dispatch('notice', 'late')
    expect(got).toEqual([])
  })

  it('holds at most so many events per channel, keeping the newest', () => {
    const hub = createHeldEvents({ maxHeld: 3 })
    for (let i = 0; i < 10; i++) hub.dispatch('transfers:changed', i)
    const got: unknown[] = []
    hub.on('transfers:changed', (p) => got.push(p))
    expect(got).toEqual([7, 8, 9])
  })

  it('a listener that throws does not keep the others from the event', () => {
    const errors: unknown[] = []
    const hub = createHeldEvents({ onError: (err) => errors.push(err) })
    const got: unknown[] = []
    hub.on('notice', () => {
      throw new Error('boom')
    })
    hub.on('notice', (p) => got.push(p))
    expect(() => hub.dispatch('notice', 'x')).not.toThrow()
    expect(got).toEqual(['x'])
    expect(errors).toEqual([new Error('boom')])
  })
})
