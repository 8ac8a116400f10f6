/**
 * npm run bench:primitives — throughput of the building blocks, with tinybench: each strong hash at each
 * block size, compression stages on text and random data, varint coding. Printed as a table (median MB/s
 * and the relative margin of error) and written as rows like any other run, under
 * results/primitives-<time>/ (rows.jsonl, rows.csv, manifest.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { safeCsv } from '../core/csv-safe.ts'
import { Bench } from 'tinybench'
import { environment } from '../harness/manifest.ts'
import { defaultRunId } from '../harness/run-matrix.ts'
import { FrameCodec, parseCompression } from '../harness/channel-codec.ts'
import { PROFILES } from '../core/network-profile.ts'
import { createStrongHasher, STRONG_HASHES } from '../strategies/shared/strong-hash.ts'
import { FrameReader, FrameWriter } from '../core/wire.ts'
import { makeContent } from '../workloads/content.ts'
import { Rng } from '../core/seeded-random.ts'
import { textTable } from '../core/text-table.ts'
import { extraPrimitives } from './primitives-extra.ts'
import { cdcPrimitives } from './primitives-cdc.ts'
import { xxh128Primitives, xxh128Table } from './primitives-xxh128.ts'
import type { Primitive } from './primitive.ts'


const BUFFER = 4 << 20
const data = makeContent(new Rng('primitives'), 'random', BUFFER)
const text = makeContent(new Rng('primitives'), 'text', 1 << 20)

async function primitives(): Promise<Primitive[]> {
  const out: Primitive[] = []
  for (const name of STRONG_HASHES) {
    const h = await createStrongHasher(name)
    for (const bs of [512, 4096, 65536]) {
      out.push({
        group: 'strong-hash',
        variant: name,
        blockSize: bs,
        bytesPerOp: BUFFER,
        fn: () => {
          for (let o = 0; o + bs <= BUFFER; o += bs) h.hash(data.subarray(o, o + bs))
        },
      })
    }
  }
  for (const stage of ['gzip:1', 'gzip:6', 'brotli:4', 'zstd:1', 'zstd:3', 'zstd:12']) {
    const codec = new FrameCodec(parseCompression(stage), PROFILES.wan!)
    for (const [label, input] of [['text', text], ['random', data.subarray(0, 1 << 20)]] as const) {
      out.push({ group: 'compress', variant: `${stage} ${label}`, blockSize: input.length, bytesPerOp: input.length, fn: () => codec.encode(input, 'down') })
    }
  }
  const values = Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) % 2 ** 40)
  const encodeAll = () => {
    const w = new FrameWriter(1 << 20)
    for (const v of values) w.varint(v)
    return w.finish()
  }
  const encoded = encodeAll()
  out.push({
    group: 'varint',
    variant: 'encode',
    blockSize: 0,
    bytesPerOp: encoded.length,
    fn: encodeAll,
  })
  out.push({
    group: 'varint',
    variant: 'decode',
    blockSize: 0,
    bytesPerOp: encoded.length,
    fn: () => {
      const r = new FrameReader('bench', encoded)
      let s = 0
      while (r.remaining > 0) s += r.varint()
      return s
    },
  })
  out.push(...(await extraPrimitives()))
  out.push(...cdcPrimitives())
  out.push(...(await xxh128Primitives()))
  return out
}

const COLUMNS = ['run_id', 'group', 'variant', 'block_size', 'bytes_per_op', 'mb_per_s', 'rme_pct', 'samples', 'ops_per_s'] as const

async function main(): Promise<void> {
  const filter = process.argv[2]
  const list = (await primitives()).filter((p) => !filter || `${p.group} ${p.variant}`.includes(filter))
  const bench = new Bench({ time: 300, warmupTime: 50 })
  for (const p of list) bench.add(`${p.group} ${p.variant} ${p.blockSize}`, p.fn)
  await bench.run()
  const runId = `primitives-${defaultRunId('000000').slice(0, 15)}`
  const rows = bench.tasks.map((t, i) => {
    const p = list[i]!
    const r = t.result
    if (r.state !== 'completed') throw new Error(`bench:primitives: ${t.name} did not complete (${r.state})`)
    const opsPerS = r.throughput.p50
    return { run_id: runId, group: p.group, variant: p.variant, block_size: p.blockSize, bytes_per_op: p.bytesPerOp, mb_per_s: Math.round((opsPerS * p.bytesPerOp) / 1e4) / 100, rme_pct: Math.round(r.latency.rme * 100) / 100, samples: r.latency.samplesCount ?? 0, ops_per_s: Math.round(opsPerS * 100) / 100 }
  })
  const dir = join('results', runId)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''))
  writeFileSync(join(dir, 'rows.csv'), safeCsv(rows, COLUMNS, true))
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...environment(), kind: 'primitives', started: new Date().toISOString(), columns: COLUMNS }, null, 2) + '\n')
  const table = [['primitive', 'block', 'MB/s (median)', '±rme'], ...rows.map((r) => [`${r.group} ${r.variant}`, String(r.block_size), r.mb_per_s.toFixed(1), `${r.rme_pct.toFixed(1)}%`])]
  process.stdout.write(textTable(table, { columns: [{}, { align: 'right', minWidth: 8 }, { align: 'right' }] }).join('\n') + '\n')
  const xxh = xxh128Table(rows)
  if (xxh) process.stdout.write(`\nxxh128: block hashing in the strategies against raw (the faster of hash-wasm and the kernel over one 4 MiB buffer)\n${textTable(xxh, { columns: xxh[0]!.map((_, i) => ({ align: i === 0 ? 'left' : 'right' })) }).join('\n')}\n`)
  process.stdout.write(`\nrows: ${dir}/ (rows.jsonl, rows.csv, manifest.json)\n`)
}

await main()
