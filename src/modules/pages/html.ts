/** Markup that is already safe, as opposed to text that still needs escaping. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string { return this.value }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

type Part = Html | string | number | null | undefined | false | Part[]

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return ''
  if (Array.isArray(part)) return part.map(render).join('')
  if (part instanceof Html) return part.value
  return escape(String(part))
}

/** A template tag that escapes every interpolated value unless it is already Html. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!
  parts.forEach((p, i) => { out += render(p) + strings[i + 1]! })
  return new Html(out)
}

export const raw = (s: string) => new Html(s)
