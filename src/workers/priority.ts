import { execFileSync } from 'node:child_process'
import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

let niced = 0
let idled = false

/**
 * On one shared core a busy worker takes turns with the event loop, and a single read waits
 * behind its slice. Linux gives each thread its own nice value, so only this thread yields;
 * a lower priority can only be asked for once, as raising it back needs privileges.
 *
 * Even at nice 19 a request arriving waited for the thread's slice to run out; a thread in
 * SCHED_IDLE is preempted by any other as soon as that one wakes, and runs only on a core nothing
 * else wants. Node has no call for the scheduling class, so chrt(1) sets it, once per thread;
 * without chrt the nice value alone applies.
 */
export function lowerPriority(nice: number, idle: boolean): void {
  if (process.platform !== 'linux' || ((nice <= niced) && (!idle || idled))) return
  let tid: number
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return
  }
  if (nice > niced) {
    try { setPriority(tid, nice) } catch { /* left at the server's priority */ }
    niced = nice
  }
  if (idle && !idled) {
    idled = true
    try { execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 5000 }) } catch { /* nice alone */ }
  }
}
