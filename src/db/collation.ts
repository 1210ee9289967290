/**
 * SQLite's BINARY order of two texts: their UTF-8 bytes, which is code point order. JavaScript's
 * `<` compares UTF-16 code units instead, and puts characters beyond U+FFFF (surrogate pairs)
 * before U+E000..U+FFFF; lifting surrogates above that block gives code point order again.
 */
export function binaryOrder(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i)
    if (x !== y) return rank(x) - rank(y)
  }
  return a.length - b.length
}

const rank = (unit: number) => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit)
