import { describe, expect, it } from 'vitest'

import { REDACTED, redactUrl, redactUrlsIn, SECRET_QUERY_PARAMS } from '../../../shared/redact-url.ts'

// A URL as it may be shown: secrets in the userinfo and in credential or signature parameters never appear.

describe('redactUrl', () => {
  it('drops the userinfo and keeps scheme, host, port and path', () => {
    expect(redactUrl('https://user:pa55@host.test:8443/dir/file.iso')).toBe('https://host.test:8443/dir/file.iso')
    expect(redactUrl('https://TOKEN@host.test/f')).toBe('https://host.test/f')
    expect(redactUrl(new URL('http://a:b@[::1]:8080/x'))).toBe('http://[::1]:8080/x')
  })

  it('drops an empty query or fragment, and never changes the URL it is given', () => {
    expect(redactUrl('http://a.test/?')).toBe('http://a.test/')
    expect(redactUrl('http://a.test/x#')).toBe('http://a.test/x')
    expect(redactUrl('http://a.test/x?#')).toBe('http://a.test/x')
    const given = new URL('https://u:p@a.test/f?sig=0123')
    redactUrl(given)
    expect(given.href).toBe('https://u:p@a.test/f?sig=0123')
  })

  it('hides an S3 presigned URL’s signature, credential and session token, keeping what the link is', () => {
    const s3 =
      'https://bucket.s3.amazonaws.com/big.iso?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoGZXIvYXdzEJr&X-Amz-Signature=abc123'
    expect(redactUrl(s3)).toBe(
      'https://bucket.s3.amazonaws.com/big.iso?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=…&X-Amz-Signature=…',
    )
  })

  it('hides CloudFront, GCS and Azure signatures and keeps the expiry', () => {
    expect(
      redactUrl('https://d1.cloudfront.net/f.zip?Expires=1767225600&Signature=Zx~9&Key-Pair-Id=K2JCJMDEHXQW5F'),
    ).toBe('https://d1.cloudfront.net/f.zip?Expires=1767225600&Signature=…&Key-Pair-Id=…')
    expect(redactUrl('https://d1.cloudfront.net/f.zip?Policy=eyJTdGF0&Signature=s&Key-Pair-Id=k')).toBe(
      'https://d1.cloudfront.net/f.zip?Policy=…&Signature=…&Key-Pair-Id=…',
    )
    expect(
      redactUrl(
        'https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p&X-Goog-Signature=0a1b',
      ),
    ).toBe(
      'https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=…&X-Goog-Signature=…',
    )
    expect(redactUrl('https://acct.blob.core.windows.net/c/f.bin?sv=2022-11-02&se=2026-01-01&sp=r&sig=Ab%2Bc%3D')).toBe(
      'https://acct.blob.core.windows.net/c/f.bin?sv=2022-11-02&se=2026-01-01&sp=r&sig=…',
    )
  })

  it('hides an nginx secure_link hash and keeps its expiry', () => {
    expect(redactUrl('http://cdn.test/dl/big.iso?md5=AUEnXC7KjbZkR6o2L4zdmA&expires=2147483647')).toBe(
      'http://cdn.test/dl/big.iso?md5=…&expires=2147483647',
    )
  })

  it('matches names case-insensitively, percent-encoded names too, and leaves other parameters byte for byte', () => {
    expect(redactUrl('https://h.test/f?TOKEN=a&Sig=b&API_KEY=c&%74oken=d&v=1.2&q=a%20b+c&flag&empty=')).toBe(
      'https://h.test/f?TOKEN=…&Sig=…&API_KEY=…&%74oken=…&v=1.2&q=a%20b+c&flag&empty=',
    )
  })

  it('hides every listed name', () => {
    for (const name of SECRET_QUERY_PARAMS) {
      expect(redactUrl(`https://h.test/f?${name}=s3cr3t&x=1`)).toBe(`https://h.test/f?${name}=${REDACTED}&x=1`)
    }
  })

  it('hides a token-like value under any name, and keeps names, versions, dates and UUIDs readable', () => {
    expect(redactUrl('https://h.test/f?st=0123456789abcdef0123456789abcdef')).toBe('https://h.test/f?st=…')
    expect(redactUrl('https://h.test/f?h=aZ3-bY4_cX5-dW6_eV7-fU8_gT9-hS0_iR1')).toBe('https://h.test/f?h=…')
    expect(redactUrl('https://h.test/f?e=Qm9vbGVhblRva2VuRXhhbXBsZTEyMw%3D%3D')).toBe('https://h.test/f?e=…')
    expect(redactUrl('https://h.test/f?e=Qm9v+GVhblRva2V/RXhhbXBsZTEyMw==')).toBe('https://h.test/f?e=…')
    const plain =
      'https://h.test/f?file=debian-12.5.0-amd64-netinst-20240201.iso&id=550e8400-e29b-41d4-a716-446655440000&d=2026-01-01T00:00:00Z'
    expect(redactUrl(plain)).toBe(plain)
  })

  it('treats a k=v fragment like a query and leaves a plain anchor alone', () => {
    expect(redactUrl('https://h.test/cb#access_token=xyz&state=1')).toBe('https://h.test/cb#access_token=…&state=1')
    expect(redactUrl('https://h.test/doc#section-2')).toBe('https://h.test/doc#section-2')
  })

  it('is idempotent, and does what it can with text that is not a URL', () => {
    const once = redactUrl('https://u:p@h.test/f?sig=abc&a=1')
    expect(redactUrl(once)).toBe(once)
    expect(redactUrl('htp://u:p@bad host/f?token=abc')).toBe('htp://bad host/f?token=…')
    expect(redactUrl('not a url ?sig=x')).toBe('not a url ?sig=…')
  })
})

describe('redactUrlsIn', () => {
  it('redacts every URL in a message and leaves the words and punctuation around them', () => {
    expect(
      redactUrlsIn('h.test: HTTP 404 for https://h.test/f?X-Amz-Signature=SECRET (was http://u:pw@h.test/g?token=T2).'),
    ).toBe('h.test: HTTP 404 for https://h.test/f?X-Amz-Signature=… (was http://h.test/g?token=…).')
    expect(redactUrlsIn('no URL here: sig=abc')).toBe('no URL here: sig=abc')
    expect(redactUrlsIn('a → https://a.test/x?sig=1 → https://b.test/y?key=2')).toBe(
      'a → https://a.test/x?sig=… → https://b.test/y?key=…',
    )
  })

  it('leaves a URL with nothing to hide exactly as it was written', () => {
    expect(redactUrlsIn('proxy http://127.0.0.1:3128 refused the connection')).toBe(
      'proxy http://127.0.0.1:3128 refused the connection',
    )
    expect(redactUrlsIn('see HTTPS://H.test:443/a%7Eb?q=1')).toBe('see HTTPS://H.test:443/a%7Eb?q=1')
    expect(redactUrlsIn('proxy http://u:pw@127.0.0.1:3128 refused')).toBe('proxy http://127.0.0.1:3128/ refused')
  })
})
