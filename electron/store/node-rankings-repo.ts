import { NodeReport } from '../../shared/nodes.ts'
import type { Preparer } from './turn-commit.ts'

export interface StoredRanking {
  report: NodeReport
  measuredAt: number
}

export interface NodeRankingsRepo {
  /** Keep a measurement of a host's nodes, replacing the one before it. */
  put(report: NodeReport, measuredAt: number): void
  /** The latest measurement for a host and port; undefined when there is none, or it does not parse. */
  get(host: string, port: number): StoredRanking | undefined
}

export function nodeRankingsRepo(db: Preparer): NodeRankingsRepo {
  const s = {
    put: db.prepare(
      'INSERT INTO node_rankings (host, port, report, measured_at) VALUES (?, ?, ?, ?) ON CONFLICT (host, port) DO UPDATE SET report = excluded.report, measured_at = excluded.measured_at',
    ),
    get: db.prepare('SELECT report, measured_at FROM node_rankings WHERE host = ? AND port = ?'),
  }
  // Each host's row as last read (null: none). Every request asks for its host's ranking, and every transfer as
  // it starts; only this connection writes rankings, as the state folder's lock keeps other writers out. The row
  // is parsed again at each ask, so no caller shares a report with another.
  const cached = new Map<string, { report: string; measuredAt: number } | null>()
  return {
    put(report, measuredAt) {
      cached.delete(`${report.host}:${report.port}`)
      s.put.run(report.host, report.port, JSON.stringify(report), measuredAt)
    },
    get(host, port) {
      const key = `${host}:${port}`
      let row = cached.get(key)
      if (row === undefined) {
        const stored = s.get.get(host, port)
        row = stored ? { report: String(stored['report']), measuredAt: Number(stored['measured_at']) } : null
        cached.set(key, row)
      }
      if (!row) return undefined
      try {
        const report = NodeReport.safeParse(JSON.parse(row.report))
        // A measurement this version cannot read only costs the ordering; downloads still connect.
        return report.success ? { report: report.data, measuredAt: row.measuredAt } : undefined
      } catch {
        return undefined
      }
    },
  }
}
