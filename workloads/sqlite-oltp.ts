import { readFileSync } from 'node:fs'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'
import { join } from 'node:path'
import { ConfigError, WorkloadError } from '../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../core/options.ts'
import { firstDifference, MemoryVolume, type ReadonlyVolume } from '../core/volume.ts'
import { applyMutation, NO_OBSERVER } from './apply-mutations.ts'
import { epochRng } from './base-volume.ts'
import { Rng } from '../core/seeded-random.ts'
import { OltpDatabase, sqlite, TRENDS } from './sqlite-oltp-db.ts'
import { parseWal, walMutations } from './sqlite-wal.ts'
import type { Mutation, Workload } from './workload.ts'

const NAME = 'sqlite-oltp'

const OPTIONS = defineOptions({
  // A power of two too, which validate checks.
  pageSize: { type: 'size', min: 512, max: 65536, default: 4096, description: 'SQLite page size: a power of two from 512 B to 64 KiB' },
  rowSize: { type: 'size', min: 1, max: 1 << 20, default: 256, description: 'mean row payload (each row uniform in 0.5-1.5 times it)' },
  transactions: { type: 'number', integer: true, min: 1, max: 1_000_000, default: 100, description: 'transactions per epoch' },
  tables: { type: 'number', integer: true, min: 1, max: 64, default: 4, description: 'tables, each with an index on a random key and one on (group, id)' },
  statements: { type: 'number', integer: true, min: 1, max: 10_000, default: 5, description: 'most statements per transaction (uniform from 1)' },
  vacuumEvery: { type: 'number', integer: true, min: 0, max: 1000000, default: 3, description: 'VACUUM at the end of every Nth epoch (0: never)' },
})
export type SqliteOltpOptions = OptionsOf<typeof OPTIONS>


/**
 * A real SQLite database under a seeded OLTP mix: inserts, updates and deletes on indexed tables, epochs
 * that grow, churn and shrink the data, and a VACUUM now and then. The volume is the database file.
 * The write trace is SQLite's own: the database runs in WAL mode, each epoch's frames are read back
 * from the WAL (every page SQLite wrote, commit by commit), turned into page overwrites, and the WAL is
 * then checkpointed into the file. Every epoch checks that its trace applied to the previous volume
 * gives exactly the checkpointed file.
 */
export const sqliteOltp: Workload<SqliteOltpOptions> = {
  name: NAME,
  summary: 'a real SQLite database (WAL mode) under a seeded OLTP mix; the trace is the pages SQLite wrote to its WAL',
  options: OPTIONS,
  hasWriteTrace: true,
  validate(o) {
    checkOptions(NAME, OPTIONS, o)
    const ps = o.pageSize
    if ((ps & (ps - 1)) !== 0) throw new ConfigError(`${NAME}.pageSize must be a power of two from 512 to 65536, got ${ps}`)
    sqlite(NAME)
  },
  create(params, o) {
    sqliteOltp.validate!(o, params)
    let dir: string | undefined
    let db: OltpDatabase | undefined
    let path = ''
    const close = () => {
      db?.close()
      db = undefined
      if (dir) {
        removeTempDir(dir)
      }
      dir = undefined
    }
    // Which trend the first epoch follows comes from the seed; then grow → churn → shrink → grow …
    const firstTrend = new Rng(`${params.seed}/${NAME}/trend`).int(TRENDS.length)
    return {
      epochs: params.epochs,
      base() {
        close()
        // Database files live here while the workload runs; removed after the last epoch, or by core/cleanup.ts on exit or Ctrl-C.
        dir = makeTempDir('sqlite')
        path = join(dir, 'oltp.db')
        db = new OltpDatabase(path, o, params.content)
        db.populate(new Rng(`${params.seed}/${NAME}/base`), params.size)
        db.checkpoint(NAME)
        return new MemoryVolume(readFileSync(path))
      },
      epoch(index, source: ReadonlyVolume): Mutation[] {
        if (!db) throw new WorkloadError(NAME, `epoch ${index} asked for before base() or after the last epoch`)
        const rng = epochRng(NAME, params.seed, index)
        const trend = TRENDS[(firstTrend + index - 1) % TRENDS.length]!
        for (let t = 0; t < o.transactions; t++) db.transaction(rng, trend.mix)
        if (o.vacuumEvery > 0 && index % o.vacuumEvery === 0) db.vacuum()
        const wal = parseWal(readFileSync(`${path}-wal`), NAME)
        if (wal.uncommittedFrames !== 0) throw new WorkloadError(NAME, `epoch ${index}: ${wal.uncommittedFrames} WAL frames after the last commit`)
        if (wal.commits.length > 0 && wal.pageSize !== o.pageSize) throw new WorkloadError(NAME, `WAL page size ${wal.pageSize}, expected ${o.pageSize}`)
        const mutations = walMutations(wal, source.size)
        db.checkpoint(NAME)
        // The trace must reproduce the file: apply it to a copy of the previous volume and compare.
        const replay = new MemoryVolume(source.read(0, source.size))
        for (const m of mutations) applyMutation(replay, m, NO_OBSERVER, NAME)
        const file = new MemoryVolume(readFileSync(path))
        const diff = firstDifference(replay, file)
        if (diff >= 0) throw new WorkloadError(NAME, `epoch ${index}: the WAL trace applied to the previous volume differs from the checkpointed database at byte ${diff} (sizes ${replay.size} and ${file.size})`)
        if (index >= params.epochs) close()
        return mutations
      },
    }
  },
}
