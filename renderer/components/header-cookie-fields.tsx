import { useId } from 'react'

import { cookieTextProblem, headerLinesProblem } from '../header-cookie-input.ts'
import './header-cookie.css'

interface Props {
  headers: string
  cookies: string
  onHeaders: (value: string) => void
  onCookies: (value: string) => void
}

/**
 * The add dialog's extra headers and cookies, as rows of its field grid, each with the reason it would be
 * refused beside it as it is typed. They are sent once and kept sealed; the window never gets them back.
 */
export function HeaderCookieFields({ headers, cookies, onHeaders, onCookies }: Props) {
  const ids = { headers: useId(), cookies: useId() }
  const headerProblem = headerLinesProblem(headers)
  const cookieProblem = cookieTextProblem(cookies)
  return (
    <>
      <label htmlFor={ids.headers}>Extra headers</label>
      <div className="header-cookie-field">
        <textarea
          id={ids.headers}
          data-testid="add-headers"
          rows={2}
          placeholder="X-Api-Key: …  (one per line)"
          spellCheck={false}
          autoComplete="off"
          value={headers}
          aria-invalid={headerProblem !== ''}
          aria-describedby={`${ids.headers}-hint`}
          onChange={(e) => onHeaders(e.target.value)}
        />
        <span id={`${ids.headers}-hint`} data-testid="add-headers-hint" className="form-error">
          {headerProblem}
        </span>
      </div>
      <label htmlFor={ids.cookies}>Cookies</label>
      <div className="header-cookie-field">
        <input
          id={ids.cookies}
          data-testid="add-cookies"
          placeholder="name=value; name2=value2"
          spellCheck={false}
          autoComplete="off"
          value={cookies}
          aria-invalid={cookieProblem !== ''}
          aria-describedby={`${ids.cookies}-hint`}
          onChange={(e) => onCookies(e.target.value)}
        />
        <span id={`${ids.cookies}-hint`} data-testid="add-cookies-hint" className="form-error">
          {cookieProblem}
        </span>
      </div>
    </>
  )
}
