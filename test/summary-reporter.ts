import type { Reporter, TestModule } from 'vitest/node'

/**
 * Ends every run with one plain line, `tests: N passed, N failed, N skipped`, which CI reads to tell a run that
 * tested nothing from a green one. Vitest's own summary is kept above it.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') counts.failed++
        else counts.skipped++
      }
      if (m.state() === 'failed' && m.children.size === 0) counts.failed++
    }
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`)
  }
}
