import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helper.ts'

const run = promisify(execFile)

/** Runs db:synth with `args` on a database of its own. */
async function synth(args: string[]) {
  const env = { ...process.env, DATABASE_PATH: join(tempDir(), 'synth.db') }
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/synth.ts', ...args], { env })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number, stdout: string, stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('npm run db:synth', () => {
  it('--help prints the usage and exits 0', async () => {
    const res = await synth(['--help'])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^usage: npm run db:synth -- \[--events N\] \[--seed N\]/)
    expect(res.stderr).not.toMatch(/\bat |Error/)
  }, 30_000)

  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['--events', 'many'], /--events must be a positive whole number/],
    // One event: a run that wrongly went ahead would end soon.
    [['--events', '1', '--seed', '1.5'], /--seed must be a whole number/],
  ])('%j prints what is wrong and the usage, and exits 2', async (args, message) => {
    const res = await synth(args)
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(message)
    expect(res.stderr).toContain('usage: npm run db:synth')
    expect(res.stderr).not.toMatch(/\n\s+at /)
  }, 30_000)
})
