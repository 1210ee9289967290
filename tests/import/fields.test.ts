import { describe, expect, it } from 'vitest'
import { day } from '../../src/modules/import/fields.ts'

describe('a dataset\'s date cell', () => {
  it('keeps the day of an ISO date with a time, and refuses a time that is no time of day', () => {
    const at = (v: string) => day({ event_date: v }, 'event_date')
    expect(at('2024-03-02')).toBe('2024-03-02')
    expect(at('2024-03-02T23:59')).toBe('2024-03-02')
    expect(at('2024-03-02 00:00:00.000')).toBe('2024-03-02')
    expect(at('19 Sep 2023')).toBe('2023-09-19')
    // With its zone, as JSON and many exports write it: the day as written.
    expect(at('2023-09-19T00:00:00.000Z')).toBe('2023-09-19')
    expect(at('2023-09-19T23:30:00-05:00')).toBe('2023-09-19')
    expect(at('2023-09-19 06:00+0400')).toBe('2023-09-19')
    for (const bad of ['2023-09-19Z', '2023-09-19T10:00+4', '2023-09-19T10:00 UTC']) expect(() => at(bad), bad).toThrow(/is not a date/)
    for (const bad of ['2024-03-02T25:00', '2024-03-02 12:60', '2024-03-02T10:00:61']) {
      expect(() => at(bad), bad).toThrow(/the time of day is not a real one/)
    }
    expect(() => at('2024-02-30')).toThrow(/not a real calendar date/)
  })
})
