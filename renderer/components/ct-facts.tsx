import type { CtReport } from '../../shared/ct.ts'
import type { Tone } from '../connection-trust.ts'
import { ctWords, sctWords } from '../ct-words.ts'
import './ct-facts.css'

const toneClass = (tone: Tone) => `tone-${tone}`

/** The Certificate Transparency rows of a connection: the verdict, then each embedded SCT. */
export function CtFacts({ ct }: { ct: CtReport }) {
  const verdict = ctWords(ct)
  return (
    <>
      <dt>Transparency</dt>
      <dd className={toneClass(verdict.tone)} data-testid="connection-ct">
        {verdict.text}
      </dd>
      <dt>SCTs</dt>
      <dd>
        {ct.scts.length === 0 ? (
          <span className="muted">none embedded</span>
        ) : (
          <ul className="ct-scts" data-testid="connection-scts">
            {ct.scts.map((s, i) => {
              const w = sctWords(s)
              return (
                <li key={`${s.logId}-${i}`} className={toneClass(w.tone)} data-testid="connection-sct">
                  {w.text}
                </li>
              )
            })}
          </ul>
        )}
      </dd>
    </>
  )
}
