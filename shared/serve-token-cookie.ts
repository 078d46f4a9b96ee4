/**
 * The cookie `pinpoint serve`'s page keeps its token in: HttpOnly, one name per port. A browser keeps cookies
 * per host, not per port, so it holds this one for every server on serve's host and offers it with each of their
 * downloads; Pinpoint must never pass its own secret on to them.
 */
const PREFIX = 'pinpoint-token-'
const NAME = /^pinpoint-token-[0-9]{1,5}$/

/** The token cookie's name for serve on `port`. */
export function serveTokenCookieName(port: number): string {
  return `${PREFIX}${port}`
}

/** Whether `name` is serve's token cookie, of any port: compared as browsers compare names, case and all. */
export function isServeTokenCookie(name: string): boolean {
  return NAME.test(name)
}

/** The cookies without any of serve's token cookies, in their order. */
export function withoutServeTokens<T extends { name: string }>(cookies: readonly T[]): T[] {
  return cookies.filter((c) => !isServeTokenCookie(c.name))
}
