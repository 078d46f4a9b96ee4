import { describe, expect, it } from 'vitest'

import type { PreviewItem } from '../../../shared/ipc.ts'
import { duplicateChoices, firstBadName, previewNote } from '../../../renderer/add-request.ts'

const item = (url: string, over: Partial<PreviewItem> = {}): PreviewItem => ({
  url,
  name: 'a.bin',
  size: 10,
  method: 'HEAD',
  status: 200,
  finalUrl: null,
  connection: null,
  error: null,
  existing: null,
  againName: 'a.bin',
  ...over,
})
const existing = { id: 1, state: 'completed' as const, name: 'a.bin', dir: '/d' }

// What the add dialog sends per URL: nothing for a plain URL, the choice for one in the list, and a name only
// where the user typed one or where "download again" gives the name shown.
describe('the add request built from the preview', () => {
  it('sends nothing for a URL not in the list and not renamed', () => {
    expect(duplicateChoices(['u1'], [item('u1')], {}, {})).toEqual([])
    expect(duplicateChoices(['u1'], [item('u1')], { u1: 'a.bin' }, {})).toEqual([])
  })

  it('a URL in the list is skipped unless chosen otherwise; again sends the name shown', () => {
    const dup = item('u1', { existing, againName: 'a (1).bin' })
    expect(duplicateChoices(['u1'], [dup], {}, {})).toEqual([{ url: 'u1', duplicate: 'skip' }])
    expect(duplicateChoices(['u1'], [dup], {}, { u1: 'again' })).toEqual([
      { url: 'u1', duplicate: 'again', name: 'a (1).bin' },
    ])
    expect(duplicateChoices(['u1'], [dup], { u1: ' b.bin ' }, { u1: 'again' })).toEqual([
      { url: 'u1', duplicate: 'again', name: 'b.bin' },
    ])
    expect(duplicateChoices(['u1'], [dup], {}, { u1: 'resume' })).toEqual([{ url: 'u1', duplicate: 'resume' }])
  })

  it('a rename is sent; a bad one is caught before sending', () => {
    expect(duplicateChoices(['u1'], [item('u1')], { u1: 'c.bin' }, {})).toEqual([{ url: 'u1', name: 'c.bin' }])
    expect(firstBadName(['u1', 'u2'], { u1: 'ok.bin', u2: '../x' })).toEqual({
      url: 'u2',
      reason: 'a file name cannot contain / or \\ (no folders)',
    })
    expect(firstBadName(['u1'], { u1: '..' })?.reason).toBe('".." is not a file name')
  })

  it('the status says how many are skipped and how many could not be checked', () => {
    const failed = item('u2', { error: { code: 'HTTP_STATUS', message: 'HTTP 404' } })
    expect(previewNote([item('u1', { existing }), failed], {})).toBe(
      '; 1 already in the list, skipped; 1 could not be checked',
    )
    expect(previewNote([item('u1', { existing })], { u1: 'again' })).toBe('')
  })
})
