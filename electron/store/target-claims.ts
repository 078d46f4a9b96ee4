/**
 * Each claimed target path and the transfer that holds it, read from the table once, when first asked, and then
 * kept by the repository's every write: claiming a name for each of a list of small files then asks the
 * database nothing. Only for the writer that owns the table (the state folder's lock); forgotten after a
 * rollback, which may have undone writes it saw, and read again when next asked.
 */
export class TargetClaims {
  readonly #load: () => Iterable<{ id: number; path: string }>
  #byPath: Map<string, number> | undefined
  readonly #byId = new Map<number, string>()

  constructor(load: () => Iterable<{ id: number; path: string }>) {
    this.#load = load
  }

  has(path: string): boolean {
    if (!this.#byPath) {
      this.#byPath = new Map()
      for (const { id, path: p } of this.#load()) this.set(id, p)
    }
    return this.#byPath.has(path)
  }

  /** `id` now holds `path` (null: none); a no-op until the claims were first read. */
  set(id: number, path: string | null): void {
    const byPath = this.#byPath
    if (!byPath) return
    const was = this.#byId.get(id)
    if (was !== undefined && byPath.get(was) === id) byPath.delete(was)
    this.#byId.delete(id)
    if (path === null) return
    this.#byId.set(id, path)
    byPath.set(path, id)
  }

  forget(): void {
    this.#byPath = undefined
    this.#byId.clear()
  }
}
