import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { liveResources, releaseAll } from '../core/cleanup.ts'
import { ToolError } from '../core/errors.ts'
import { runTool } from '../strategies/shared/tool-process.ts'
import { spawner, stopSpawner } from '../strategies/shared/tool-spawner.ts'

/** Whether a process exists (signal 0 probes without sending). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Pids whose command line is exactly `cmd` (a marker no other process uses). */
const pidsOf = (cmd: string) => {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out.split('\n').filter((l) => l.trim().slice(l.trim().indexOf(' ') + 1) === cmd).map((l) => Number(l.trim().split(' ')[0]))
}

const until = async (cond: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (cond()) return true
  return cond()
}

afterAll(() => stopSpawner())

describe('tool spawner', () => {
  it('runs a tool in its cwd with its env and returns its stdout and its CPU (the kernel accounting of the tool)', async () => {
    const r = await runTool('t', ['bash', '-c', 'echo "$PWD $MARK"; i=0; while ((i < 100000)); do ((i++)); done'], '/tmp', ['MARK=x y'])
    expect(r.stdout).toBe('/tmp x y\n')
    expect(r.cpuMs).toBeGreaterThan(20) // 100,000 bash iterations take well over 20 ms of CPU; bash's own start-up not counted
    const idle = await runTool('t', ['sleep', '0.2'])
    expect(idle.cpuMs).toBeLessThan(20) // sleeping is not CPU: the figure is the tool's CPU, not wall time
  })

  it('reports a failure with its exit code and stderr, a signal by name, a missing cwd or tool', async () => {
    await expect(runTool('t', ['sh', '-c', 'echo oops >&2; exit 3'])).rejects.toThrow(/t: `sh -c .*` failed \(exit 3\): oops/)
    await expect(runTool('t', ['sh', '-c', 'kill -TERM $$'])).rejects.toThrow(/failed \(SIGTERM\)/)
    await expect(runTool('t', ['true'], '/nonexistent-dir')).rejects.toThrow(ToolError)
    await expect(runTool('t', ['no-such-tool-xyz'])).rejects.toThrow(/exit 127.*not found/)
  })

  it('runs tools concurrently, each answer to its own caller', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => runTool('t', ['sh', '-c', `sleep 0.0${8 - i}; echo ${i}`])))
    expect(runs.map((r) => r.stdout)).toEqual(Array.from({ length: 8 }, (_, i) => `${i}\n`))
  })

  it('kill ends the whole process tree of a tool, started through the spawner', async () => {
    const t = spawner().run(['sh', '-c', 'sleep 31.25 & sleep 31.25; wait'])
    expect(await until(() => pidsOf('sleep 31.25').length === 2)).toBe(true)
    t.kill()
    const e = await t.exit
    expect(e.signal).toBe('SIGKILL')
    expect(await until(() => pidsOf('sleep 31.25').length === 0)).toBe(true)
  })

  it('is registered with the process-wide owner only while a tool runs: releaseAll then ends the tool, idle it is no leftover', async () => {
    await runTool('t', ['true'])
    expect(liveResources().filter((r) => r.includes('spawner'))).toEqual([]) // the fuzzer reports whatever a finished range left registered
    const t = spawner().run(['sh', '-c', 'sleep 31.75 & sleep 31.75; wait'])
    expect(liveResources().filter((r) => r.includes('spawner'))).toHaveLength(1)
    expect(await until(() => pidsOf('sleep 31.75').length === 2)).toBe(true)
    releaseAll()
    await expect(t.exit).rejects.toThrow(/spawner/)
    expect(await until(() => pidsOf('sleep 31.75').length === 0)).toBe(true)
    expect((await runTool('t', ['echo', 'next'])).stdout).toBe('next\n') // a new spawner
  })

  it('a spawner that dies fails the tools in flight (their trees killed) and is started again', async () => {
    const first = spawner()
    const t = first.run(['sh', '-c', 'sleep 31.5 & sleep 31.5; wait'])
    expect(await until(() => pidsOf('sleep 31.5').length === 2)).toBe(true)
    process.kill(first.pid!, 'SIGKILL')
    await expect(t.exit).rejects.toThrow(/tool spawner: the spawner process .* ended/)
    expect(await until(() => pidsOf('sleep 31.5').length === 0)).toBe(true)
    expect((await runTool('t', ['echo', 'again'])).stdout).toBe('again\n')
    expect(spawner().pid).not.toBe(first.pid)
  })

  for (const how of ['exits by itself', 'is killed with SIGKILL'] as const) {
    it(`the spawner and its tools end when its owner ${how}`, async () => {
      const marker = how === 'exits by itself' ? 'sleep 32.25' : 'sleep 32.5'
      // The owner starts a long tool and a short one, prints the spawner's pid once the short one is done, then waits (or is killed).
      const script = `
        const { spawner } = await import('./strategies/shared/tool-spawner.ts')
        const { runTool } = await import('./strategies/shared/tool-process.ts')
        spawner().run(['sh', '-c', '${marker} & ${marker}; wait'])
        await runTool('t', ['true'])
        console.log(spawner().pid)
        ${how === 'exits by itself' ? 'setTimeout(() => process.exit(0), 300)' : 'setInterval(() => {}, 1000)'}`
      const tmp = mkdtempSync(join(tmpdir(), 'deltabench-spawner-owner-'))
      const env = { ...process.env, TMPDIR: tmp }
      const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env })
      let out = ''
      owner.stdout.on('data', (d: Buffer) => (out += d.toString()))
      expect(await until(() => out.includes('\n'), 20_000)).toBe(true)
      const spawnerPid = Number(out.trim())
      expect(alive(spawnerPid)).toBe(true)
      expect(await until(() => pidsOf(marker).length === 2)).toBe(true)
      if (how === 'is killed with SIGKILL') owner.kill('SIGKILL')
      await new Promise((r) => owner.on('close', r))
      expect(await until(() => !alive(spawnerPid))).toBe(true)
      expect(await until(() => pidsOf(marker).length === 0)).toBe(true)
      expect(await until(() => readdirSync(tmp).filter((f) => f.startsWith('deltabench-')).length === 0)).toBe(true) // the spawner's folder went too
      rmSync(tmp, { recursive: true, force: true })
    }, 30_000)
  }
})
