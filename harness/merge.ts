import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { readManifest as readManifestFile, readRows, type Manifest } from '../core/run-files.ts'
import { cellKey, csv } from './results-dir.ts'
import type { ResultRow } from '../core/result-row.ts'

export interface MergeResult {
  dir: string
  rows: ResultRow[]
  manifest: Manifest
}

function readManifest(dir: string): Manifest {
  const m = readManifestFile(dir, 'merge')
  if (!m) throw new ConfigError(`merge: ${dir} has no manifest.json; is it a deltabench run directory?`)
  return m
}

/**
 * Joins the run directories of the shards of one sweep into one run. Refuses directories of different
 * versions or configs, a shard given twice, shards of different counts, and a cell present twice; a shard
 * missing or unfinished is refused too unless `allowIncomplete` (the merged manifest then says "failed").
 */
export function mergeRuns(dirs: string[], outDir: string, opts: { allowIncomplete?: boolean } = {}): MergeResult {
  if (dirs.length === 0) throw new ConfigError('merge: give the shard directories to join')
  if (existsSync(join(outDir, 'manifest.json'))) throw new ConfigError(`merge: ${outDir} already holds a run; choose another output directory`)
  const manifests = dirs.map(readManifest)
  const first = manifests[0]!
  const seen = new Set<number>()
  manifests.forEach((m, i) => {
    if (m.tool !== 'deltabench' || m.version !== first.version) throw new ConfigError(`merge: ${dirs[i]} was written by deltabench ${m.version}, ${dirs[0]} by ${first.version}; merge runs of one version`)
    if (m.configHash !== first.configHash) throw new ConfigError(`merge: ${dirs[i]} ran a different config from ${dirs[0]}; merge only the shards of one sweep`)
    const shard = m.shard ?? { index: 1, count: 1 }
    if (shard.count !== (first.shard ?? { count: 1 }).count) throw new ConfigError(`merge: ${dirs[i]} is shard ${shard.index}/${shard.count}, ${dirs[0]} is of ${first.shard?.count}`)
    if (seen.has(shard.index)) throw new ConfigError(`merge: shard ${shard.index}/${shard.count} is given twice`)
    seen.add(shard.index)
  })
  const rows: ResultRow[] = []
  const cells = new Map<string, string>()
  dirs.forEach((d) => {
    for (const r of readRows(d)) {
      const k = `${cellKey(r)}#${r.epoch}`
      if (cells.has(k)) throw new ConfigError(`merge: the cell ${cellKey(r)} epoch ${r.epoch} is in both ${cells.get(k)} and ${d}`)
      cells.set(k, d)
      rows.push(r)
    }
  })
  const count = first.shard?.count ?? 1
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
  const unfinished = manifests.flatMap((m, i) => (m.status === 'complete' ? [] : [`${dirs[i]} (${m.status})`]))
  if (!opts.allowIncomplete && (missing.length || unfinished.length)) {
    const what = [missing.length ? `shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing` : '', unfinished.length ? `unfinished: ${unfinished.join(', ')}` : ''].filter(Boolean).join('; ')
    throw new ConfigError(`merge: the sweep is incomplete (${what}); give every shard's finished run directory (run the missing ones with --shard i/${count}, finish others with --resume), or merge what there is with --allow-incomplete`)
  }
  const manifest: Manifest & { mergedFrom: { dir: string; shard: Manifest['shard']; status: string; git: Manifest['git'] }[]; missingShards: number[] } = {
    ...first,
    started: manifests.map((m) => m.started).sort()[0]!,
    finished: manifests.map((m) => m.finished ?? '').sort().at(-1) || null,
    status: missing.length === 0 && manifests.every((m) => m.status === 'complete') ? 'complete' : 'failed',
    cells: {
      total: manifests.reduce((s, m) => s + m.cells.total, 0),
      done: manifests.reduce((s, m) => s + m.cells.done, 0),
      skipped: manifests.flatMap((m) => m.cells.skipped),
    },
    inconsistent: manifests.flatMap((m) => m.inconsistent ?? []),
    shard: { index: 1, count: 1 },
    mergedFrom: manifests.map((m, i) => ({ dir: dirs[i]!, shard: m.shard, status: m.status, git: m.git })),
    missingShards: missing,
  }
  mkdirSync(outDir, { recursive: true })
  const write = (name: string, text: string) => {
    writeFileSync(join(outDir, `${name}.tmp`), text)
    renameSync(join(outDir, `${name}.tmp`), join(outDir, name))
  }
  write('rows.jsonl', rows.map((r) => JSON.stringify(r) + '\n').join(''))
  write('rows.csv', csv(rows, true))
  write('manifest.json', JSON.stringify(manifest, null, 2) + '\n')
  return { dir: outDir, rows, manifest }
}
