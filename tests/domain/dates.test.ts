import { describe, expect, it } from 'vitest'
import { endsBeforeStart, fitsPrecision, lowerBound, sortKeyOf, upperBoundExclusive } from '../../src/domain/dates.ts'

const inWindow = (reported: string, from: string, to: string) => {
  const key = sortKeyOf(reported)
  return key >= lowerBound(from) && key < upperBoundExclusive(to)
}

describe('sort keys of reported dates', () => {
  it('a time keys at its instant, a day at midnight UTC', () => {
    expect(sortKeyOf('2023-09-24T18:00+04:00')).toBe('2023-09-24T14:00:00.000Z')
    expect(sortKeyOf('2023-09-24')).toBe('2023-09-24T00:00:00.000Z')
    expect(sortKeyOf('2023-09-24') < sortKeyOf('2023-09-24T18:00+04:00')).toBe(true)
  })

  it('a month or a year keys at the last millisecond of the period, leap years included', () => {
    expect(sortKeyOf('2023-09')).toBe('2023-09-30T23:59:59.999Z')
    expect(sortKeyOf('2024-02')).toBe('2024-02-29T23:59:59.999Z')
    expect(sortKeyOf('2023-02')).toBe('2023-02-28T23:59:59.999Z')
    expect(sortKeyOf('2023-12')).toBe('2023-12-31T23:59:59.999Z')
    expect(sortKeyOf('1991')).toBe('1991-12-31T23:59:59.999Z')
    expect(sortKeyOf('9999')).toBe('9999-12-31T23:59:59.999Z')
    expect(sortKeyOf('0042')).toBe('0042-12-31T23:59:59.999Z')
  })

  it('a month sorts after every day and time inside it and before the next month', () => {
    for (let d = 1; d <= 30; d++) {
      const day = `2023-09-${String(d).padStart(2, '0')}`
      expect(sortKeyOf(day) < sortKeyOf('2023-09'), day).toBe(true)
      expect(sortKeyOf(`${day}T23:59+00:00`) < sortKeyOf('2023-09'), day).toBe(true)
    }
    expect(sortKeyOf('2023-09') < sortKeyOf('2023-10-01')).toBe(true)
    expect(sortKeyOf('2023-09') < sortKeyOf('2023-10')).toBe(true)
  })

  it('a year sorts after the days inside it and before the next year', () => {
    expect(sortKeyOf('2023-12-31') < sortKeyOf('2023')).toBe(true)
    expect(sortKeyOf('2023-06') < sortKeyOf('2023')).toBe(true)
    expect(sortKeyOf('2023') < sortKeyOf('2024-01-01')).toBe(true)
  })
})

describe('from/to windows', () => {
  it('a bare date, month or year bound covers its whole period from the first instant', () => {
    expect(lowerBound('2023-09')).toBe('2023-09-01T00:00:00.000Z')
    expect(lowerBound('2023')).toBe('2023-01-01T00:00:00.000Z')
    expect(upperBoundExclusive('2023-09')).toBe('2023-10-01T00:00:00.000Z')
    expect(upperBoundExclusive('2023-02-28')).toBe('2023-03-01T00:00:00.000Z')
    expect(upperBoundExclusive('0099-12-31')).toBe('0100-01-01T00:00:00.000Z')
    // The last instant of 9999, given as a time, bounds every key; its next millisecond would sort first.
    for (const to of ['9999', '9999-12-31', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999+00:00']) {
      expect(inWindow('9999-12-31T23:59', '2000', to), to).toBe(true)
      expect(inWindow('2023-09-24', '2000', to), to).toBe(true)
    }
  })

  it('a month-dated record falls in a window that reaches the end of its month, not in one that stops earlier', () => {
    expect(inWindow('2023-09', '2023-09', '2023-09')).toBe(true)
    expect(inWindow('2023-09', '2023-09-01', '2023-09-30')).toBe(true)
    expect(inWindow('2023-09', '2023-09-25', '2023-10-31')).toBe(true)
    expect(inWindow('2023-09', '2023-09-19', '2023-09-24')).toBe(false)
    expect(inWindow('2023', '2023-01-01', '2023-12-31')).toBe(true)
    expect(inWindow('2023-09-24', '2023-09-24', '2023-09-24')).toBe(true)
  })
})

describe('dates and their precision', () => {
  it('each precision takes one form', () => {
    const forms: [string, string[]][] = [
      ['2023', ['year']], ['2023-09', ['month']], ['2023-09-24', ['day']],
      ['2023-09-24T18:00+04:00', ['hour', 'minute']], ['2023-09-24T18:00:00Z', ['hour', 'minute']],
      ['2023-09-24T18:30+04:00', ['minute']], ['2023-09-24T18:30:15Z', ['minute']],
    ]
    for (const [date, fits] of forms) {
      for (const p of ['year', 'month', 'day', 'hour', 'minute'] as const) expect(fitsPrecision(date, p), `${date} ${p}`).toBe(fits.includes(p))
    }
  })

  it('an end before its start is told by sort keys; an equal end is not before', () => {
    expect(endsBeforeStart('2023', '1990')).toBe(true)
    expect(endsBeforeStart('2023-09', '2023-08')).toBe(true)
    expect(endsBeforeStart('2023-09-20', '2023-09-19')).toBe(true)
    expect(endsBeforeStart('2023-09-24T18:00+04:00', '2023-09-24T13:59Z')).toBe(true)
    for (const [start, end] of [['2023', '2023'], ['2023-09', '2023-10'], ['2023-09-19', '2023-09-19'], ['2023-09-24T18:00+04:00', '2023-09-24T14:00Z']]) {
      expect(endsBeforeStart(start!, end!), `${start} ${end}`).toBe(false)
    }
  })
})
