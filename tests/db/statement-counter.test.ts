import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/client.ts'

describe('the statement counter', () => {
  it('counts only when asked, and refuses to be read when it does not count', () => {
    const counted = openDatabase(':memory:', { countStatements: true })
    const before = counted.statements.count
    counted.sqlite.prepare('SELECT 1').get()
    counted.sqlite.prepare('SELECT 2').get()
    expect(counted.statements.count - before).toBe(2)
    counted.statements.muted = true
    counted.sqlite.prepare('SELECT 3').get()
    expect(counted.statements.count - before).toBe(2)
    counted.close()

    const plain = openDatabase(':memory:')
    plain.sqlite.prepare('SELECT 1').get()
    expect(() => plain.statements.count).toThrow(/not counted.*countStatements/)
    plain.close()
  })
})
