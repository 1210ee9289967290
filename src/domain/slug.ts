import slugify from '@sindresorhus/slugify'

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/

/**
 * A lower-case slug that passes the write schemas' id rule, at most `max` characters. Letters of
 * other scripts are transliterated rather than dropped (Xankəndi becomes xankandi, Степанакерт
 * stepanakert), so a name keeps its letters in its id. Capitals are not split off as words
 * ("AZE9001" stays "aze9001"). An empty string means the text has nothing to make an id of.
 */
export function slug(text: string, max = 80): string {
  const s = slugify(text, { decamelize: false })
  // slugify leaves characters it cannot transliterate; an id must hold none of them.
  const safe = ID.test(s) ? s : s.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  return safe.slice(0, max).replace(/-+$/, '')
}
