import type { KeyKind, SecretKeys } from './secret-key.ts'
import { sealSecrets, unsealSecrets } from './secrets-repo.ts'

/** The settings key whose value may hold a proxy password. */
export const PROXY_SETTING_KEY = 'proxy'

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The proxy server of a stored manual proxy setting, or undefined for any other value. */
function serverOf(value: unknown): Json | undefined {
  if (!isObject(value) || value['mode'] !== 'manual' || !isObject(value['server'])) return undefined
  return value['server']
}

// The proxy's URL and user are authenticated with the ciphertext: moved onto another proxy, it does not open.
const aadOf = (server: Json) => (kind: KeyKind) =>
  Buffer.from(`pinpoint-proxy-password:v1:${kind}:${String(server['url'])}:${String(server['user'] ?? '')}`)

/** Whether a stored proxy setting still holds its password in clear. */
export function hasClearProxyPassword(value: unknown): boolean {
  return typeof serverOf(value)?.['password'] === 'string'
}

/**
 * The proxy setting as it is stored: a password is sealed with the state folder's key (as a download's and a
 * host rule's credentials are) into `sealedPassword`, so the settings table never holds it in clear.
 */
export function sealProxySetting(value: unknown, keys: SecretKeys): unknown {
  const server = serverOf(value)
  const password = server?.['password']
  if (!server || typeof password !== 'string') return value
  const { password: _clear, ...rest } = server
  const sealed = sealSecrets(keys, aadOf(rest), { password })
  return { ...(value as Json), server: { ...rest, sealedPassword: sealed.toString('base64') } }
}

/**
 * The stored proxy setting with its password opened. One that cannot be opened here (sealed by the desktop app
 * under the OS keychain, read by the CLI; another key file) is read without it, so the proxy's 407 asks for it,
 * rather than the whole setting falling back to another proxy.
 */
export function openProxySetting(value: unknown, keys: SecretKeys): unknown {
  const server = serverOf(value)
  const sealed = server?.['sealedPassword']
  if (!server || typeof sealed !== 'string') return value
  const { sealedPassword: _sealed, ...rest } = server
  try {
    const opened = unsealSecrets(keys, aadOf(rest), Buffer.from(sealed, 'base64'), 'the proxy password')
    return { ...(value as Json), server: opened.password === undefined ? rest : { ...rest, password: opened.password } }
  } catch {
    return { ...(value as Json), server: rest }
  }
}
