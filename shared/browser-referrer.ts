/**
 * A page's URL as a browser sends it in Referer: http(s) only, without the fragment and any userinfo, which are
 * the page's own and never sent. Undefined for anything else.
 */
export function browserReferrer(text: string | undefined): string | undefined {
  const ref = text && URL.canParse(text) ? new URL(text) : undefined
  if (!ref || (ref.protocol !== 'http:' && ref.protocol !== 'https:')) return undefined
  ref.hash = ''
  ref.username = ''
  ref.password = ''
  return ref.href
}
