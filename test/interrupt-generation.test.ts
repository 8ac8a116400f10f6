/**
 * A signal during long synchronous work (issue 17): generating a big workload used to hold the event loop,
 * so SIGTERM from `timeout` waited until the generation ended. The CLI runs as a child with its own TMPDIR,
 * so every deltabench-* folder it makes is ours to count.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'deltabench-interrupt-generation-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

async function waitFor(what: () => boolean, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 20))) if (what()) return true
  return what()
}

describe('SIGTERM early in a run: while the workload is generated, or in its first cell', () => {
  it('ends the run within 3 s with exit 143, the manifest "interrupted" and no temp folder left', async () => {
    const tmp = join(scratch, 'tmp')
    mkdirSync(tmp)
    const out = join(scratch, 'run')
    // 60 epochs of 1,000 writes: several seconds of generation before the first cell (0.1 s per epoch here).
    const args = ['run', '--strategies', 'whole-file', '--workloads', 'random-overwrite', '--block-sizes', '4096', '--seeds', '1', '--size', '4MiB', '--epochs', '60', '--opt', 'random-overwrite.writes=1000', '--opt', 'random-overwrite.maxLength=1024', '--floor', 'off', '--no-report', '--no-progress', '--out', out]
    const proc = spawn(process.execPath, [join(ROOT, 'bin', 'deltabench.js'), ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()))
    proc.stdout.resume()
    const done = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)))
    const manifest = join(out, 'manifest.json')
    try {
      // The run folder exists once the run has started; the generation follows the warm-up.
      expect(await waitFor(() => existsSync(manifest), 60_000)).toBe(true)
      await new Promise((r) => setTimeout(r, 1000))
      expect(JSON.parse(readFileSync(manifest, 'utf8')).cells.done).toBe(0)
      const t0 = Date.now()
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
      const code = await done
      clearTimeout(timer)
      expect(Date.now() - t0).toBeLessThan(3000)
      expect(code).toBe(143)
      expect(JSON.parse(readFileSync(manifest, 'utf8')).status).toBe('interrupted')
      expect(err).toMatch(/interrupted: 0 of 1 cells finished/)
      expect(readdirSync(tmp).filter((f) => f.startsWith('deltabench-'))).toEqual([])
    } finally {
      proc.kill('SIGKILL')
    }
  }, 120_000)
})
