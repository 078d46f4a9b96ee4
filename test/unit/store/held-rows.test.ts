import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { HeldRows } from '../../../electron/store/held-rows.ts'

/** A table that a transaction's rollback puts back as it was, standing in for SQLite's. */
class Table {
  rows: string[] = []
  #marks: number[] = []
  begin(): void {
    this.#marks.push(this.rows.length)
  }
  release(): void {
    this.#marks.pop()
  }
  rollback(): void {
    this.rows.length = this.#marks.pop() ?? 0
  }
}

function setup() {
  const table = new Table()
  const unwritten: string[] = []
  const held = new HeldRows<string>(
    (row) => {
      if (row.startsWith('bad')) throw new Error(`refused ${row}`)
      table.rows.push(row)
    },
    (row) => unwritten.push(row),
  )
  // As the store's transaction runner does: the table's level and then the held rows'.
  const transaction = (fn: () => void) => {
    table.begin()
    held.begin()
    try {
      fn()
      table.release()
      held.release()
    } catch (err) {
      table.rollback()
      held.rollback()
      throw err
    }
  }
  return { table, held, unwritten, transaction }
}

describe('rows held for the commit', () => {
  it('are written in the order they were held, once', () => {
    const { table, held } = setup()
    held.hold('a')
    held.hold('b')
    expect(table.rows).toEqual([])
    held.flush()
    held.flush()
    expect(table.rows).toEqual(['a', 'b'])
    expect(held.size).toBe(0)
  })

  it('written inside a transaction that rolls back, are held again, before any held since', () => {
    const { table, held, unwritten, transaction } = setup()
    held.hold('a')
    expect(() =>
      transaction(() => {
        held.flush()
        expect(table.rows).toEqual(['a'])
        throw new Error('changed my mind')
      }),
    ).toThrow('changed my mind')
    expect(table.rows).toEqual([])
    expect(unwritten).toEqual(['a'])
    held.hold('b')
    held.flush()
    expect(table.rows).toEqual(['a', 'b'])
  })

  it('written inside a transaction that is released, stay written, even when an outer one rolls back later', () => {
    const { table, held, unwritten, transaction } = setup()
    held.hold('a')
    expect(() =>
      transaction(() => {
        transaction(() => held.flush())
        throw new Error('outer')
      }),
    ).toThrow('outer')
    // The outer rollback undid the insert its inner level made, so the row is held again.
    expect(table.rows).toEqual([])
    expect(unwritten).toEqual(['a'])
    held.flush()
    expect(table.rows).toEqual(['a'])
  })

  it('held inside a transaction, go with it: written at once, and undone with it', () => {
    const { table, held, transaction } = setup()
    held.hold('a')
    expect(() =>
      transaction(() => {
        held.hold('inside')
        expect(table.rows).toEqual(['a', 'inside'])
        throw new Error('no')
      }),
    ).toThrow('no')
    held.flush()
    expect(table.rows).toEqual(['a'])
  })

  it('a row whose insert fails stays held, with the rows after it', () => {
    const { table, held } = setup()
    held.hold('a')
    held.hold('bad')
    held.hold('c')
    expect(() => held.flush()).toThrow('refused bad')
    expect(table.rows).toEqual(['a'])
    expect(held.size).toBe(2)
    held.clear()
    expect(held.size).toBe(0)
  })

  it('whatever the transactions and their outcomes, end with every row held outside them written once, in order', () => {
    type Step = { kind: 'hold' } | { kind: 'flush' } | { kind: 'tx'; steps: Step[]; fails: boolean }
    const step: fc.Memo<Step> = fc.memo((depth) =>
      depth <= 1
        ? fc.oneof(fc.constant({ kind: 'hold' as const }), fc.constant({ kind: 'flush' as const }))
        : fc.oneof(
            fc.constant({ kind: 'hold' as const }),
            fc.constant({ kind: 'flush' as const }),
            fc.record({
              kind: fc.constant('tx' as const),
              steps: fc.array(step(depth - 1), { maxLength: 4 }),
              fails: fc.boolean(),
            }),
          ),
    )
    fc.assert(
      fc.property(fc.array(step(3), { maxLength: 12 }), (steps) => {
        const { table, held, transaction } = setup()
        let n = 0
        const outside: string[] = []
        const run = (list: Step[], inTx: boolean) => {
          for (const s of list) {
            if (s.kind === 'hold') {
              const row = `r${n++}`
              if (!inTx) outside.push(row)
              held.hold(row)
            } else if (s.kind === 'flush') held.flush()
            else {
              try {
                transaction(() => {
                  run(s.steps, true)
                  if (s.fails) throw new Error('rolled back')
                })
              } catch {
                // Expected for a failing transaction.
              }
            }
          }
        }
        run(steps, false)
        held.flush()
        // Rows held inside a transaction are that transaction's: kept when it was, gone when it was rolled back.
        const kept = table.rows.filter((r) => outside.includes(r))
        expect(kept).toEqual(outside)
        expect(new Set(table.rows).size).toBe(table.rows.length)
      }),
    )
  })
})
