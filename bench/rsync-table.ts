/**
 * `npm run bench:table`: the rsync technical report's table (block size against bytes sent, literal and
 * matched data, signature) on a pair of successive releases from the release-series workload, with the
 * real rsync, rdiff, xdelta3 and zstd beside rsync-rolling. One sync per cell, in the steady state like
 * every run; prints the table in Markdown (the README's copy comes from here).
 *
 *   npm run bench:table                                    # typescript 5.5.4 → 5.6.2, 512 B-8 KiB, --floor max
 *   npm run bench:table -- --package commander --from 0 --block-sizes 700,1024 --out results/table
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError } from '../core/errors.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'
import { installInterruptHandlers } from '../apps/interrupt.ts'
import { resolveRun } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { findSeries } from '../workloads/release-pins.ts'
import { reportTableLines, reportTableMarkdown } from '../analysis/rsync-report-table.ts'

const WHERE = 'bench:table'
const DEFAULT_STRATEGIES = 'rsync-rolling,rsync,rdiff,xdelta3,zstd-patch'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      package: { type: 'string', default: 'typescript' },
      from: { type: 'string', default: '6' },
      'block-sizes': { type: 'string', default: '512,1024,2048,4096,8192' },
      strategies: { type: 'string', default: DEFAULT_STRATEGIES },
      out: { type: 'string' },
      // One epoch: the costly floor (zstd -19) is affordable, and a published table should use it.
      floor: { type: 'string', default: 'max' },
    },
  })
  const series = findSeries(values.package)
  if (!series) throw new ConfigError(`${WHERE}: --package ${values.package} is not a pinned release series (see deltabench list)`)
  const from = Number(values.from)
  if (!Number.isInteger(from) || from < 0 || from + 1 >= series.releases.length) throw new ConfigError(`${WHERE}: --from ${values.from}: a release index from 0 to ${series.releases.length - 2} of ${series.name}`)
  const config = resolveRun({
    strategies: values.strategies.split(','),
    workloads: ['release-series'],
    blockSizes: values['block-sizes'].split(','),
    epochs: 1,
    seeds: ['1'],
    overrides: { 'release-series': { package: series.name, from } },
    floor: values.floor,
  })
  // Without --out the run lives in a temporary folder of this script's (core/temp-dir.ts), removed when it ends or is interrupted.
  installInterruptHandlers()
  const tmp = values.out ? undefined : makeTempDir('table')
  try {
    const run = await runMatrix(config, { outDir: values.out ?? join(tmp!, 'run'), onSkip: (_s, _w, why) => process.stderr.write(`skipped: ${why}\n`) })
    const pair = `${series.name} ${series.releases[from]!.version} → ${series.releases[from + 1]!.version}`
    process.stdout.write(`${pair} (uncompressed npm tarballs), one sync per cell\n\n${reportTableMarkdown(reportTableLines(run.rows))}\n`)
  } finally {
    if (tmp) removeTempDir(tmp)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`deltabench ${err instanceof ConfigError ? '' : `${WHERE}: `}${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(err instanceof ConfigError ? 2 : 1)
})
