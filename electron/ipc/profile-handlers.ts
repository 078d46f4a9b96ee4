import { sameRule } from '../../shared/host-profile-diff.ts'
import { ruleKey } from '../../shared/host-profile.ts'
import type { Emit, Handlers, RequestChannel } from '../../shared/ipc.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'
import type { ProfileCheck } from '../../shared/profile-ipc.ts'
import { parsePublicKey } from '../signatures/minisign.ts'
import type { Store } from '../store/open-store.ts'
import { exportProfile, importProfile, inspectProfile, type Inspection } from './host-profiles.ts'

export type ProfileHandlers = Pick<Handlers, Extract<RequestChannel, `profiles:${string}`>>

/**
 * Host profiles in the Hosts view: check a picked or dropped profile (its diff, its key), import it once the
 * user confirmed, list where rules came from, and export the rules unsigned. Signing stays outside the app
 * (minisign, or `pinpoint profile export --sign`), so no secret key ever passes through the window.
 *
 * A refused profile (bad signature, older version, untrusted key, bad JSON) is an answer, not a failure of the
 * channel: it comes back as `{ ok: false, error }` with its code.
 */
export function profileHandlers(deps: { store: Store; emit: Emit; now?: () => number }): ProfileHandlers {
  const { store, emit } = deps
  const now = deps.now ?? Date.now
  return {
    async 'profiles:preview'({ text, signature }) {
      return answer(() => inspectProfile(store, Buffer.from(text, 'utf8'), signature))
    },
    async 'profiles:import'({ text, signature, trustKey, takeProfile }) {
      const result = answer(() =>
        importProfile(store, Buffer.from(text, 'utf8'), { signature, trustKey, takeProfile, now: now() }),
      )
      if (result.ok) emit('hosts:changed', store.hostRules.list())
      return result
    },
    async 'profiles:export'({ name, version, publicKey }) {
      try {
        const key = publicKey === undefined ? undefined : parsePublicKey(publicKey)
        const { text, profile } = exportProfile(store, { name, version, now: now(), publicKey: key })
        const fileName = `${profile.name.replace(/[^A-Za-z0-9._-]+/g, '-')}-v${profile.version}.pinpoint-profile.json`
        return {
          ok: true,
          text: text.toString('utf8'),
          fileName,
          version: profile.version,
          command: `minisign -S -s <your minisign secret key> -m ${fileName}`,
        }
      } catch (err) {
        if (!isPinpointError(err)) throw err
        return { ok: false, error: { code: err.code, message: err.message.slice(0, 4096) } }
      }
    },
    async 'profiles:origins'() {
      const rules = new Map(store.hostRules.list().map((r) => [ruleKey(r), r]))
      return store.profiles.origins().flatMap((o) => {
        const port = o.port === 0 ? undefined : o.port
        const rule = rules.get(ruleKey({ pattern: o.pattern, port }))
        if (!rule) return []
        const changedLocally = o.profileRule === undefined || !sameRule(rule, o.profileRule)
        return [
          { pattern: o.pattern, ...(port ? { port } : {}), profile: o.profile, version: o.version, changedLocally },
        ]
      })
    },
  }
}

function answer(run: () => Inspection): ProfileCheck {
  try {
    const seen = run()
    return {
      ok: true,
      name: seen.profile.name,
      version: seen.profile.version,
      keyId: seen.keyId,
      keyTrusted: seen.keyTrusted,
      installedVersion: seen.installedVersion ?? null,
      diff: seen.diff,
    }
  } catch (err) {
    if (!isPinpointError(err)) throw err
    return { ok: false, error: { code: err.code, message: err.message.slice(0, 4096) } }
  }
}
