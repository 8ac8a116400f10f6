import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, WorkloadError } from '../core/errors.ts'
import { firstDifference, MemoryVolume, type ReadonlyVolume } from '../core/volume.ts'
import { applyMutation, NO_OBSERVER } from './apply-mutations.ts'
import { epochRng } from './base-volume.ts'
import { Rng } from '../core/seeded-random.ts'
import { OltpDatabase, sqlite, TRENDS } from './sqlite-oltp-db.ts'
import { parseWal, walMutations } from './sqlite-wal.ts'
import type { Mutation, Workload } from './workload.ts'

export interface SqliteOltpOptions {
  /** SQLite page size (a power of two from 512 to 65536). Default 4096. */
  pageSize: number
  /** Mean row payload in bytes (each row's is uniform in half to one and a half times this). Default 256. */
  rowSize: number
  /** Transactions per epoch. Default 100. */
  transactions: number
  /** Tables, each with two secondary indexes. Default 4. */
  tables: number
  /** Most statements in one transaction (uniform from 1). Default 5. */
  statements: number
  /** VACUUM at the end of every Nth epoch (0: never). Default 3. */
  vacuumEvery: number
}

const NAME = 'sqlite-oltp'

/** Database files live here while the workload runs; removed after the last epoch or at exit. */
const live = new Set<string>()
process.once('exit', () => {
  for (const dir of live) rmSync(dir, { recursive: true, force: true })
})

function positiveInt(key: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new ConfigError(`${NAME}.${key} must be a whole number from 1 to ${max}, got ${v}`)
}

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
  defaults: { pageSize: 4096, rowSize: 256, transactions: 100, tables: 4, statements: 5, vacuumEvery: 3 },
  options: {
    pageSize: { type: 'size', description: 'SQLite page size: a power of two from 512 B to 64 KiB' },
    rowSize: { type: 'size', description: 'mean row payload (each row uniform in 0.5-1.5 times it)' },
    transactions: { type: 'number', description: 'transactions per epoch' },
    tables: { type: 'number', description: 'tables, each with an index on a random key and one on (group, id)' },
    statements: { type: 'number', description: 'most statements per transaction (uniform from 1)' },
    vacuumEvery: { type: 'number', description: 'VACUUM at the end of every Nth epoch (0: never)' },
  },
  hasWriteTrace: true,
  validate(o) {
    const ps = o.pageSize
    if (!Number.isInteger(ps) || ps < 512 || ps > 65536 || (ps & (ps - 1)) !== 0) throw new ConfigError(`${NAME}.pageSize must be a power of two from 512 to 65536, got ${ps}`)
    positiveInt('rowSize', o.rowSize, 1 << 20)
    positiveInt('transactions', o.transactions, 1_000_000)
    positiveInt('tables', o.tables, 64)
    positiveInt('statements', o.statements, 10_000)
    if (!Number.isInteger(o.vacuumEvery) || o.vacuumEvery < 0) throw new ConfigError(`${NAME}.vacuumEvery must be 0 (never) or a whole number of epochs, got ${o.vacuumEvery}`)
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
        rmSync(dir, { recursive: true, force: true })
        live.delete(dir)
      }
      dir = undefined
    }
    // Which trend the first epoch follows comes from the seed; then grow → churn → shrink → grow …
    const firstTrend = new Rng(`${params.seed}/${NAME}/trend`).int(TRENDS.length)
    return {
      epochs: params.epochs,
      base() {
        close()
        dir = mkdtempSync(join(tmpdir(), 'deltabench-sqlite-'))
        live.add(dir)
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
