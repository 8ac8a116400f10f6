import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { blockTrace, SAMPLE_TRACE } from '../workloads/block-trace.ts'
import { parseBlockTrace } from '../workloads/block-trace-parse.ts'
import { fingerprint } from './workload-fingerprint.ts'
import { defaultOptions } from '../core/options.ts'

const scratch = mkdtempSync(join(tmpdir(), 'deltabench-trace-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const p = join(scratch, name)
  writeFileSync(p, text)
  return p
}

// Random content: the trace, not the bytes, is under test here (and compressed content is slower to make).
const params = (epochs = 3, seed = '1') => ({ size: 0, epochs, seed, content: 'random' as const })

/** The sample's write requests, read independently of the parser: [seconds, offset, size]. */
function sampleWrites(): [number, number, number][] {
  const lines = readFileSync(SAMPLE_TRACE, 'utf8').trim().split('\n').map((l) => l.split(','))
  const t0 = BigInt(lines[0]![0]!)
  return lines.filter((f) => f[3] === 'Write').map((f) => [Number(BigInt(f[0]!) - t0) / 1e7, Number(f[4]), Number(f[5])])
}

describe('block-trace', () => {
  it('replays the sample: one overwrite per write, of its size at its offset; the volume sized from the largest request', () => {
    const writes = sampleWrites()
    const p = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace) }, params())
    expect(p.base.size).toBe(4 << 20)
    const replayed = p.epochs.flat()
    expect(replayed.map((m) => (m.kind === 'overwrite' ? [m.at, m.bytes.length] : m))).toEqual(writes.map(([, o, s]) => [o, s]))
    // Cut by writes, evenly: 798 writes → 266 each.
    expect(p.epochs.map((e) => e.length)).toEqual([266, 266, 266])
    expect(p.oracle.every((o) => o !== null && o.newBytes > 0)).toBe(true)
  })

  it('cuts epochs by trace time: each epoch holds the writes of its span', () => {
    const writes = sampleWrites()
    const first = writes[0]![0]
    const span = (writes.at(-1)![0] - first) / 4
    const want = [0, 0, 0, 0]
    for (const [t] of writes) want[Math.min(3, Math.floor((t - first) / span))]!++
    const p = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace), cutBy: 'time' }, params(4))
    expect(p.epochs.map((e) => e.length)).toEqual(want)
    // A fixed span of 60 s: only the first four minutes of the trace are replayed.
    const fixed = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace), cutBy: 'time', epochSeconds: 60 }, params(4))
    expect(fixed.epochs.map((e) => e.length)).toEqual([0, 1, 2, 3].map((e) => writes.filter(([t]) => t - first >= 60 * e && t - first < 60 * (e + 1)).length))
  })

  it('is deterministic for a seed (same bytes); another seed writes other bytes at the same places', () => {
    const f = (seed: string) => fingerprint('block-trace', seed, 0, 3, {}, 'random')
    expect(f('1')).toBe(f('1'))
    expect(f('1')).not.toBe(f('2'))
    const a = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace) }, params(3, '1'))
    const b = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace) }, params(3, '2'))
    const where = (p: typeof a) => p.epochs.flat().map((m) => (m.kind === 'overwrite' ? m.at : -1))
    expect(where(a)).toEqual(where(b))
  })

  it('reads plain offset,length CSV (a header, CRLF, comments), keeps a chosen MSR disk, and stops at the limit', () => {
    const plain = file('plain.csv', 'offset,length\r\n# a comment\r\n0,4096\r\n1048576,512\r\n\r\n8192,100\r\n')
    const t = parseBlockTrace(plain, { format: 'auto', disk: -1, limit: 0 })
    expect([t.format, t.writes, t.extent, [...t.offset.subarray(0, 3)]]).toEqual(['offset-length', 3, 1049088, [0, 1048576, 8192]])
    const p = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace), path: plain }, params(2))
    expect(p.base.size).toBe(1052672) // rounded up to whole 4 KiB pages
    expect(p.epochs.map((e) => e.length)).toEqual([2, 1])
    const msr = file('disks.csv', '128480000000000000,h,0,Write,0,4096,10\n128480000010000000,h,1,Write,4096,4096,10\n128480000020000000,h,1,Read,65536,4096,10\n')
    const disk1 = parseBlockTrace(msr, { format: 'auto', disk: 1, limit: 0 })
    expect([disk1.writes, disk1.requests, disk1.extent, disk1.time[0]]).toEqual([1, 2, 69632, 0])
    expect(parseBlockTrace(SAMPLE_TRACE, { format: 'auto', disk: -1, limit: 10 }).writes).toBe(10)
  })

  it('says what is wrong with a bad trace or option, with the line', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [file('fields.csv', '1,2,3\n'), {}, /fields.csv line 1: 3 fields; expected 7 .* or 2 \(offset,length\)/],
      [file('num.csv', '0,4096\n12x,4096\n'), {}, /num.csv line 2: offset "12x" and size "4096" must be whole numbers/],
      [file('type.csv', '128480000000000000,h,0,Trim,0,4096,10\n'), {}, /type "Trim" is neither Read nor Write/],
      [file('empty.csv', 'offset,length\n'), {}, /no requests found/],
      [file('time.csv', '0,4096\n'), { cutBy: 'time' }, /has no timestamps.*cutBy=writes/],
      [file('big.csv', `${4 * 2 ** 30},4096\n`), {}, /addresses 4294971392 bytes, more than maxSize 1073741824; raise .*maxSize.* or .*fold=true/],
      [join(scratch, 'absent.csv'), {}, /absent.csv: no such file/],
    ]
    for (const [path, more, message] of cases) {
      expect(() => resolveRun({ workloads: ['block-trace'], overrides: { 'block-trace': { path, ...more } as Record<string, string> } }), path).toThrow(message)
    }
  })

  it('fold wraps offsets past maxSize, splitting a write that crosses the end', () => {
    const path = file('fold.csv', `${(1 << 20) - 1024},4096\n${3 << 20},4096\n`)
    const p = prepareWorkload(blockTrace, { ...defaultOptions(blockTrace), path, maxSize: 1 << 20, fold: true }, params(1))
    expect(p.base.size).toBe(1 << 20)
    expect(p.epochs[0]!.map((m) => (m.kind === 'overwrite' ? [m.at, m.bytes.length] : m))).toEqual([[(1 << 20) - 1024, 1024], [0, 3072], [0, 4096]])
  })

  it('--trace <file> runs the block-trace workload on your file; with --workloads it is refused', () => {
    const bin = new URL('../bin/deltabench.js', import.meta.url).pathname
    const trace = file('cli.csv', '0,4096\n65536,8192\n4096,4096\n')
    const ok = spawnSync(process.execPath, [bin, 'run', '--trace', trace, '--strategies', 'changed-block-bitmap', '--block-sizes', '4096', '--epochs', '1', '--seeds', '1', '--no-progress', '--out', join(scratch, 'run')], { encoding: 'utf8' })
    expect(ok.status, ok.stderr).toBe(0)
    const rows = readFileSync(join(scratch, 'run', 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rows.map((r) => [r.workload, r.volume_bytes, r.mutations, r.trace, r.correct])).toEqual([['block-trace', 73728, 3, 'recorded', true]])
    const bad = spawnSync(process.execPath, [bin, 'run', '--trace', trace, '--workloads', 'append', '--out', join(scratch, 'bad')], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--trace <file> is the block-trace workload; leave out --workloads/)
  })
})
