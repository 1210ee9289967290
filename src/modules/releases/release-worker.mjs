// Entry of a release's export thread when no bundle could be written: a worker thread does not
// get the TypeScript loader of its parent (under tsx or the test runner), so it registers one.
import { register } from 'tsx/esm/api'

register()
await import('./release-worker.ts')
