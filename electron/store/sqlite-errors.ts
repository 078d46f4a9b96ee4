/** SQLite's primary result codes we act on (the low byte of node:sqlite's extended `errcode`). */
const SQLITE_CORRUPT = 11
const SQLITE_NOTADB = 26
const SQLITE_CONSTRAINT_UNIQUE = 2067

/** node:sqlite throws plain Errors with `code: 'ERR_SQLITE_ERROR'` and SQLite's extended result code. */
function errcodeOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; errcode?: unknown } | null
  return e?.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number' ? e.errcode : undefined
}

/** The file is not a database, or its pages do not hold together. */
export function isDamaged(err: unknown): boolean {
  const code = errcodeOf(err)
  return code !== undefined && ((code & 0xff) === SQLITE_CORRUPT || (code & 0xff) === SQLITE_NOTADB)
}

/** A UNIQUE constraint on `table.column` failed; the message is the only place SQLite names the column. */
export function isUniqueViolation(err: unknown, column: string): boolean {
  return errcodeOf(err) === SQLITE_CONSTRAINT_UNIQUE && (err as Error).message.includes(column)
}
