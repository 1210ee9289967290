/** The filters a reader can set on the page; every link on it is these plus a keyset cursor. */
export interface PageFilters {
  from?: string | undefined
  to?: string | undefined
  type?: string[] | undefined
  actor?: string | undefined
  place?: string | undefined
}

export function queryOf(f: PageFilters): string {
  const q = new URLSearchParams()
  if (f.from) q.set('from', f.from)
  if (f.to) q.set('to', f.to)
  if (f.type?.length) q.set('type', f.type.join(','))
  if (f.place) q.set('place', f.place)
  if (f.actor) q.set('actor', f.actor)
  return q.toString()
}

/** A link to the page with some filters changed; a changed view starts again at its first page. */
export function pageHref(f: PageFilters, patch: Partial<PageFilters> = {}, cursor?: { after?: string, before?: string }): string {
  const q = new URLSearchParams(queryOf({ ...f, ...patch }))
  if (cursor?.after) q.set('after', cursor.after)
  if (cursor?.before) q.set('before', cursor.before)
  const s = q.toString()
  return s ? `/?${s}` : '/'
}

const n = (v: number) => v.toLocaleString('en-GB')
export { n as formatCount }
