import type { Reporter, TestCase, TestModule } from 'vitest/node'

/**
 * Names the test files, and the tests in them, that never finished: a worker process that dies
 * (a crash in native code, the out-of-memory killer) is otherwise reported by Vitest only as
 * "Worker exited unexpectedly", without saying which file it was running.
 */
export default class UnfinishedReporter implements Reporter {
  private readonly running = new Map<string, string>()

  onTestCaseReady(test: TestCase): void {
    this.running.set(test.module.moduleId, test.fullName)
  }

  onTestCaseResult(test: TestCase): void {
    if (this.running.get(test.module.moduleId) === test.fullName) this.running.delete(test.module.moduleId)
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const unfinished = modules.filter((m) => m.state() === 'queued' || m.state() === 'pending')
    if (unfinished.length === 0) return
    const lines = unfinished.map((m) => {
      const left = [...m.children.allTests()].filter((t) => t.result().state === 'pending').length
      const at = this.running.get(m.moduleId)
      return `  ${m.relativeModuleId}: ${m.state()}, ${left} test(s) without a result${at ? `; last started: ${at}` : ''}`
    })
    process.stderr.write(`\nTest files that never finished (their worker ended or was never run):\n${lines.join('\n')}\n`)
  }
}
