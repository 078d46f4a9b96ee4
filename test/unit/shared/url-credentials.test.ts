import { describe, expect, it } from 'vitest'

import { splitCredentials, withCredentials } from '../../../shared/url-credentials.ts'

describe('splitCredentials and withCredentials', () => {
  it('splits userinfo off, decoded, and leaves a URL without it alone', () => {
    expect(splitCredentials('https://us%40er:p%3Aw%25d@host.test/a@b?c=d@e')).toEqual({
      url: 'https://host.test/a@b?c=d@e',
      credentials: { username: 'us@er', password: 'p:w%d' },
    })
    expect(splitCredentials('https://token@host.test/')).toEqual({
      url: 'https://host.test/',
      credentials: { username: 'token', password: '' },
    })
    expect(splitCredentials('https://host.test/x@y')).toEqual({ url: 'https://host.test/x@y', credentials: undefined })
  })

  it('puts them back so that decoding gives the same strings, and only on the given origin', () => {
    const credentials = { username: 'a b@c', password: 'p:%41/?#' }
    const url = withCredentials(new URL('https://host.test/f'), credentials)
    expect(splitCredentials(url.href).credentials).toEqual(credentials)
    expect(withCredentials(new URL('https://cdn.test/f'), credentials, url.origin).href).toBe('https://cdn.test/f')
    expect(withCredentials(new URL('https://host.test/g'), credentials, url.origin).username).toBe('a%20b%40c')
  })
})
