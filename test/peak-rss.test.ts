import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { peakRssBytes } from '../harness/peak-rss.ts'

describe('peakRssBytes', () => {
  it("is the process's own peak, not a big parent's (Linux keeps ru_maxrss across exec)", () => {
    const big = new Uint8Array(400 << 20).fill(1) // this process now peaks above 400 MiB
    const script = `import { peakRssBytes } from ${JSON.stringify(new URL('../harness/peak-rss.ts', import.meta.url).pathname)}; console.log(peakRssBytes())`
    const child = Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim())
    expect(peakRssBytes()).toBeGreaterThan(400 * 2 ** 20)
    expect(child).toBeGreaterThan(10 * 2 ** 20)
    expect(child).toBeLessThan(300 * 2 ** 20)
    expect(big[big.length - 1]).toBe(1)
  })
})
