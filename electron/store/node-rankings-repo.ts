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
  return {
    put(report, measuredAt) {
      s.put.run(report.host, report.port, JSON.stringify(report), measuredAt)
    },
    get(host, port) {
      const row = s.get.get(host, port)
      if (!row) return undefined
      try {
        const report = NodeReport.safeParse(JSON.parse(String(row['report'])))
        // A measurement this version cannot read only costs the ordering; downloads still connect.
        return report.success ? { report: report.data, measuredAt: Number(row['measured_at']) } : undefined
      } catch {
        return undefined
      }
    },
  }
}
