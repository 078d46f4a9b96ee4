import { describe, expect, it } from 'vitest'

import {
  ifRangeOf,
  isStrongDate,
  isWeakTag,
  Representation,
  sameTag,
  strongValidators,
  type StrongValidators,
  type Validators,
} from '../../../electron/engine/validators.ts'

const TAG = '"1800000-661f9aa16d098"'
const WEAK = `W/${TAG}`
const MODIFIED = 'Sun, 06 Dec 2026 16:33:08 GMT'
const SAME_SECOND = 'Sun, 06 Dec 2026 16:33:08 GMT'
const NEXT_SECOND = 'Sun, 06 Dec 2026 16:33:09 GMT'

const sent = (v: Partial<Validators>): Validators => ({
  etag: undefined,
  lastModified: undefined,
  date: undefined,
  ...v,
})

describe('entity tags compared weakly', () => {
  it.each([
    [WEAK, TAG, true],
    [TAG, WEAK, true],
    [WEAK, WEAK, true],
    [TAG, TAG, true],
    [TAG, '"1800000-661f9aa16d099"', false],
    [WEAK, 'W/"other"', false],
    // The weakness mark is case-sensitive: w/"x" is no weak form of "x".
    ['w/"x"', '"x"', false],
  ])('%s ~ %s: %s', (a, b, same) => {
    expect(sameTag(a, b)).toBe(same)
  })

  it('knows a weak tag by its W/ mark', () => {
    expect(isWeakTag(WEAK)).toBe(true)
    expect(isWeakTag(TAG)).toBe(false)
  })
})

describe('a Last-Modified date as a strong validator', () => {
  it.each<[string | undefined, string | undefined, boolean, string]>([
    [MODIFIED, SAME_SECOND, false, 'Date in the same second'],
    [MODIFIED, NEXT_SECOND, true, 'Date one second later'],
    [MODIFIED, 'Mon, 07 Dec 2026 10:00:00 GMT', true, 'Date a day later'],
    [NEXT_SECOND, MODIFIED, false, 'Date before Last-Modified (a clock off)'],
    [MODIFIED, undefined, false, 'no Date'],
    [undefined, NEXT_SECOND, false, 'no Last-Modified'],
    ['yesterday', NEXT_SECOND, false, 'an unreadable Last-Modified'],
    [MODIFIED, 'soon', false, 'an unreadable Date'],
  ])('%s with Date %s: %s (%s)', (lastModified, date, strong) => {
    expect(isStrongDate(lastModified, date)).toBe(strong)
  })
})

describe('what may go in If-Range', () => {
  it.each<[Partial<Validators>, StrongValidators]>([
    [
      { etag: TAG, lastModified: MODIFIED, date: NEXT_SECOND },
      { etag: TAG, lastModified: null },
    ],
    // A weak ETag is never sent, and while there is an ETag, Last-Modified is not either, strong or not.
    [
      { etag: WEAK, lastModified: MODIFIED, date: NEXT_SECOND },
      { etag: null, lastModified: null },
    ],
    [{ etag: WEAK }, { etag: null, lastModified: null }],
    // No ETag at all: the date, but only a strong one.
    [
      { lastModified: MODIFIED, date: NEXT_SECOND },
      { etag: null, lastModified: MODIFIED },
    ],
    [
      { lastModified: MODIFIED, date: SAME_SECOND },
      { etag: null, lastModified: null },
    ],
    [{ lastModified: MODIFIED }, { etag: null, lastModified: null }],
    [{}, { etag: null, lastModified: null }],
  ])('%o keeps %o', (v, strong) => {
    expect(strongValidators(sent(v))).toEqual(strong)
    expect(ifRangeOf(strong)).toBe(strong.etag ?? strong.lastModified ?? undefined)
  })
})

describe("one download's file", () => {
  it('a weak ETag turning strong is the same file, and the strong tag is learned and reported once', () => {
    const learned: StrongValidators[] = []
    const rep = Representation.fromResponse(sent({ etag: WEAK, lastModified: MODIFIED, date: SAME_SECOND }), (s) =>
      learned.push(s),
    )
    expect(rep.ifRange).toBeUndefined()
    const later = sent({ etag: TAG, lastModified: MODIFIED, date: NEXT_SECOND })
    expect(rep.changedBy(later)).toBeUndefined()
    rep.learn(later)
    expect(rep.ifRange).toBe(TAG)
    rep.learn(later)
    expect(learned).toEqual([{ etag: TAG, lastModified: null }])
  })

  it('another tag, weak or strong, is another file, and nothing is learned from it', () => {
    const rep = Representation.fromResponse(sent({ etag: WEAK }))
    for (const etag of ['"other"', 'W/"other"']) {
      expect(rep.changedBy(sent({ etag }))).toBe('restarted: the file changed on the server')
      rep.learn(sent({ etag }))
      expect(rep.ifRange).toBeUndefined()
    }
  })

  it('a response without the tag is no evidence either way', () => {
    const rep = Representation.fromResponse(sent({ etag: WEAK }))
    expect(rep.changedBy(sent({ lastModified: MODIFIED }))).toBeUndefined()
    rep.learn(sent({ lastModified: MODIFIED, date: NEXT_SECOND }))
    expect(rep.ifRange).toBeUndefined()
  })

  it('with no ETag, another Last-Modified is another file, and a date that turned strong is learned', () => {
    const learned: StrongValidators[] = []
    const rep = Representation.fromResponse(sent({ lastModified: MODIFIED, date: SAME_SECOND }), (s) => learned.push(s))
    expect(rep.ifRange).toBeUndefined()
    expect(rep.changedBy(sent({ lastModified: NEXT_SECOND }))).toBe('restarted: the file changed on the server')
    expect(rep.changedBy(sent({ lastModified: MODIFIED, date: NEXT_SECOND }))).toBeUndefined()
    rep.learn(sent({ lastModified: MODIFIED, date: NEXT_SECOND }))
    expect(rep.ifRange).toBe(MODIFIED)
    expect(learned).toEqual([{ etag: null, lastModified: MODIFIED }])
  })

  it('a strong ETag from the first response goes in If-Range at once', () => {
    expect(Representation.fromResponse(sent({ etag: TAG })).ifRange).toBe(TAG)
  })

  it('on a resume, the stored strong validator is both the If-Range and what responses are checked against', () => {
    const rep = Representation.fromStore({ etag: TAG, lastModified: null })
    expect(rep.ifRange).toBe(TAG)
    expect(rep.changedBy(sent({ etag: WEAK }))).toBeUndefined()
    expect(rep.changedBy(sent({ etag: '"other"' }))).toBe('restarted: the file changed on the server')
    const byDate = Representation.fromStore({ etag: null, lastModified: MODIFIED })
    expect(byDate.ifRange).toBe(MODIFIED)
    expect(byDate.changedBy(sent({ lastModified: NEXT_SECOND }))).toBe('restarted: the file changed on the server')
  })
})
