// Entry of a stats worker thread. The query functions are TypeScript, and a worker thread does
// not get the TypeScript loader of its parent (under tsx or the test runner): it registers one.
import { register } from 'tsx/esm/api'

register()
const { handle } = await import('./worker.ts')

export default handle
