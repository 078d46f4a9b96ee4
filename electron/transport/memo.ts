import { createHash } from 'node:crypto'

/**
 * A memo that forgets its oldest entry past `max`: for values that are costly to make (a parsed trust store, a
 * re-exported key) and asked for again on every connection.
 */
export function boundedMemo<V>(max: number): (key: string, make: () => V) => V {
  const values = new Map<string, V>()
  return (key, make) => {
    let value = values.get(key)
    if (value === undefined) {
      value = make()
      if (values.size >= max) values.delete(values.keys().next().value as string)
      values.set(key, value)
    }
    return value
  }
}

const anchorKeys = new WeakMap<readonly string[], string>()

/** A short key for a set of trust anchors ('' for Node's bundled roots), hashed once per array. */
export function anchorsKey(ca: readonly string[] | undefined): string {
  if (ca === undefined) return ''
  let key = anchorKeys.get(ca)
  if (key === undefined) {
    key = createHash('sha256').update(ca.join('\n')).digest('base64')
    anchorKeys.set(ca, key)
  }
  return key
}
