// Entry of an export worker thread when no bundle could be written: a worker thread does not get
// the TypeScript loader of its parent (under tsx or the test runner), so it registers one.
import { register } from 'tsx/esm/api'

register()
const { default: runExport } = await import('./worker.ts')

export default runExport
