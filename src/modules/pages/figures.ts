import { displayDate } from '../timeline/formats.ts'

const n = (v: number) => v.toLocaleString('en-GB')

interface Figure { low: number | null, high: number | null, best: number | null, qualifier: string }

/** A figure as a reader says it, keeping its qualifier: "at least 200", "more than 400", "about 120,000". */
export function figureText(f: Figure): string {
  switch (f.qualifier) {
    case 'at_least': return `at least ${n(f.low ?? f.best ?? 0)}`
    case 'more_than': return `more than ${n((f.low ?? 1) - 1)}`
    case 'about': return `about ${n(f.best ?? f.low ?? f.high ?? 0)}`
    case 'up_to': return `up to ${n(f.high ?? f.best ?? 0)}`
    default: return n(f.best ?? f.low ?? f.high ?? 0)
  }
}

/** The number a chart draws for a figure: its best value, else its lower bound. */
export const figureValue = (f: Figure) => f.best ?? f.low ?? f.high ?? 0

export const METRIC_LABEL: Record<string, string> = {
  arrived: 'arrived', displaced: 'displaced', population_at_risk: 'population at risk', departed: 'departed',
}

export { displayDate }
