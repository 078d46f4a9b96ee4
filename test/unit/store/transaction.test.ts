import { DatabaseSync } from 'node:sqlite'

import { beforeEach, describe, expect, it } from 'vitest'

import { SCHEMA_VERSION, migrate, schemaVersion } from '../../../electron/store/migrations.ts'
import { transactionRunner, type Transaction } from '../../../electron/store/transaction.ts'

let db: DatabaseSync
let transaction: Transaction
const values = () =>
  db
    .prepare('SELECT v FROM t ORDER BY v')
    .all()
    .map((r) => r['v'])

beforeEach(() => {
  db = new DatabaseSync(':memory:')
  db.exec('CREATE TABLE t (v INTEGER)')
  transaction = transactionRunner(db, 'BEGIN IMMEDIATE')
})

describe('transactionRunner', () => {
  it('commits and returns the value', () => {
    expect(transaction(() => (db.exec('INSERT INTO t VALUES (1)'), 'ok'))).toBe('ok')
    expect(values()).toEqual([1])
  })

  it('rolls back everything on a throw and rethrows', () => {
    expect(() =>
      transaction(() => {
        db.exec('INSERT INTO t VALUES (1)')
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(values()).toEqual([])
    expect(db.isTransaction).toBe(false)
  })

  it('nests as savepoints: an inner failure undoes only the inner work', () => {
    transaction(() => {
      db.exec('INSERT INTO t VALUES (1)')
      expect(() =>
        transaction(() => {
          db.exec('INSERT INTO t VALUES (2)')
          throw new Error('inner')
        }),
      ).toThrow('inner')
      transaction(() => db.exec('INSERT INTO t VALUES (3)'))
    })
    expect(values()).toEqual([1, 3])
  })

  it('refuses an async function, rolling back what it did before its first await', () => {
    expect(() =>
      transaction(async () => {
        db.exec('INSERT INTO t VALUES (1)')
      }),
    ).toThrow(/synchronous/)
    expect(values()).toEqual([])
  })
})

describe('migrate', () => {
  it('brings a new database to SCHEMA_VERSION and is a no-op after that', () => {
    migrate(db, ':memory:')
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION)
    migrate(db, ':memory:')
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION)
  })

  it('refuses a database from a newer pinpoint without touching it', () => {
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
    expect(() => migrate(db, 'x.db')).toThrow(
      expect.objectContaining({ code: 'FILE_ERROR', message: expect.stringContaining('newer pinpoint') }),
    )
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'transfers'").get()).toBeUndefined()
  })
})
