import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { ConfigError, WorkloadError } from '../core/errors.ts'
import { makeContent, type ContentModel } from './content.ts'
import type { Rng } from '../core/seeded-random.ts'

/**
 * A real SQLite database driven by a seeded OLTP mix. Everything that reaches the file comes from the
 * seed: keys and payloads from the Rng, no SQL time or random functions, no AUTOINCREMENT randomness
 * (rowids are max + 1), so the same seed writes the same pages on every run.
 */
export type Database = BetterSqlite3.Database
type Constructor = typeof BetterSqlite3

const require = createRequire(import.meta.url)
let loaded: Constructor | undefined

/** better-sqlite3, loaded on first use so other workloads never need its native module. */
export function sqlite(where = 'sqlite-oltp'): Constructor {
  if (loaded) return loaded
  try {
    const ctor = require('better-sqlite3') as Constructor
    new ctor(':memory:').close() // loads the native module now, so a missing build fails here
    loaded = ctor
    return ctor
  } catch (err) {
    throw new ConfigError(
      `${where}: better-sqlite3 did not load (${err instanceof Error ? err.message.split('\n')[0] : String(err)}). ` +
        'It compiles from source when no prebuilt binary can be fetched: install python3, make and g++, then run `npm rebuild better-sqlite3`.',
    )
  }
}

export interface OltpShape {
  pageSize: number
  rowSize: number
  tables: number
  statements: number
}

/** Shares of operations that insert and update (the rest delete), and of deletes that remove a key range. */
interface Mix {
  insert: number
  update: number
  ranges: number
}

/** The epochs cycle through these, so a run of a few epochs both grows and shrinks the database. */
export const TRENDS: readonly { name: string; mix: Mix }[] = [
  // Net rows per operation: grow +0.55, churn +0.05, shrink -0.6 (a range delete removes 2-10 rows).
  { name: 'grow', mix: { insert: 0.65, update: 0.25, ranges: 0 } },
  { name: 'churn', mix: { insert: 0.35, update: 0.45, ranges: 0.05 } },
  { name: 'shrink', mix: { insert: 0.15, update: 0.35, ranges: 0.1 } },
]

interface TableStatements {
  insert: BetterSqlite3.Statement<[number, number, Uint8Array]>
  findByK: BetterSqlite3.Statement<[number], { id: number }>
  first: BetterSqlite3.Statement<[], { id: number }>
  update: BetterSqlite3.Statement<[number, Uint8Array, number]>
  updatePayload: BetterSqlite3.Statement<[Uint8Array, number]>
  deleteId: BetterSqlite3.Statement<[number]>
  deleteRange: BetterSqlite3.Statement<[number, number]>
  count: BetterSqlite3.Statement<[number, number]>
}

export class OltpDatabase {
  readonly db: Database
  private readonly shape: OltpShape
  private readonly content: ContentModel
  private readonly tables: TableStatements[] = []

  /** Creates the database at path (a new file) in WAL mode with its schema. */
  constructor(path: string, shape: OltpShape, content: ContentModel) {
    const Ctor = sqlite()
    this.shape = shape
    this.content = content
    this.db = new Ctor(path)
    // The page size must be set before the first write; WAL mode then writes page 1 once, directly.
    this.db.pragma(`page_size = ${shape.pageSize}`)
    this.db.pragma('journal_mode = WAL')
    // No fsyncs (durability is not under test) and no automatic checkpoints: the workload checkpoints
    // once per epoch, after it has read the epoch's frames from the WAL.
    this.db.pragma('synchronous = OFF')
    this.db.pragma('wal_autocheckpoint = 0')
    this.db.exec('CREATE TABLE counters (tbl INTEGER PRIMARY KEY, txns INTEGER NOT NULL, rows INTEGER NOT NULL)')
    for (let t = 0; t < shape.tables; t++) {
      this.db.exec(
        `CREATE TABLE t${t} (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, grp INTEGER NOT NULL, payload BLOB NOT NULL);` +
          `CREATE INDEX t${t}_k ON t${t}(k);` +
          `CREATE INDEX t${t}_grp ON t${t}(grp, id);` +
          `INSERT INTO counters VALUES (${t}, 0, 0);`,
      )
      this.tables.push({
        insert: this.db.prepare(`INSERT INTO t${t} (k, grp, payload) VALUES (?, ?, ?)`),
        findByK: this.db.prepare(`SELECT id FROM t${t} WHERE k >= ? ORDER BY k LIMIT 1`),
        first: this.db.prepare(`SELECT id FROM t${t} ORDER BY k LIMIT 1`),
        update: this.db.prepare(`UPDATE t${t} SET k = ?, payload = ? WHERE id = ?`),
        updatePayload: this.db.prepare(`UPDATE t${t} SET payload = ? WHERE id = ?`),
        deleteId: this.db.prepare(`DELETE FROM t${t} WHERE id = ?`),
        deleteRange: this.db.prepare(`DELETE FROM t${t} WHERE id IN (SELECT id FROM t${t} WHERE k >= ? ORDER BY k LIMIT ?)`),
        count: this.db.prepare(`UPDATE counters SET txns = txns + 1, rows = rows + ? WHERE tbl = ?`),
      })
    }
  }

  private payload(rng: Rng): Uint8Array {
    const r = this.shape.rowSize
    return makeContent(rng, this.content, rng.range(Math.max(1, r >> 1), Math.max(1, r + (r >> 1))))
  }

  private insertRow(rng: Rng, t: number): void {
    this.tables[t]!.insert.run(rng.u32(), rng.int(64), this.payload(rng))
  }

  /** A row picked through the k index (a random key, the next one up, wrapping to the first). */
  private pick(rng: Rng, t: number): number | undefined {
    const s = this.tables[t]!
    return (s.findByK.get(rng.u32()) ?? s.first.get())?.id
  }

  /** Fills the database with rows, round robin over the tables, until the file holds at least `size` bytes. */
  populate(rng: Rng, size: number): void {
    const fill = this.db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) this.insertRow(rng, i % this.shape.tables)
    })
    for (;;) {
      const bytes = this.pages() * this.shape.pageSize
      if (bytes >= size) return
      // Smaller batches near the target, so the base ends close to the size asked for.
      fill(Math.max(1, Math.min(512, Math.ceil((size - bytes) / (2 * this.shape.rowSize)))))
    }
  }

  /** One OLTP transaction: 1..statements inserts, updates and deletes, and the touched tables' counters. */
  transaction(rng: Rng, mix: Mix): void {
    const ops = rng.range(1, this.shape.statements)
    const run = this.db.transaction(() => {
      const delta = new Map<number, number>()
      for (let i = 0; i < ops; i++) {
        const t = rng.int(this.shape.tables)
        const s = this.tables[t]!
        const roll = rng.float()
        let d = 0
        if (roll < mix.insert) {
          this.insertRow(rng, t)
          d = 1
        } else {
          const id = this.pick(rng, t)
          if (id === undefined) continue
          if (roll < mix.insert + mix.update) {
            // Most updates rewrite the payload only; some also move the row in the k index.
            if (rng.float() < 0.3) s.update.run(rng.u32(), this.payload(rng), id)
            else s.updatePayload.run(this.payload(rng), id)
          } else if (rng.float() >= mix.ranges) {
            d = -s.deleteId.run(id).changes
          } else {
            d = -s.deleteRange.run(rng.u32(), rng.range(2, 10)).changes
          }
        }
        delta.set(t, (delta.get(t) ?? 0) + d)
      }
      for (const [t, d] of delta) this.tables[t]!.count.run(d, t)
    })
    run()
  }

  vacuum(): void {
    this.db.exec('VACUUM')
  }

  pages(): number {
    return this.db.pragma('page_count', { simple: true }) as number
  }

  /** Copies every WAL frame into the database file and empties the WAL (the next epoch starts a new one). */
  checkpoint(where: string): void {
    const [r] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[]
    if (!r || r.busy !== 0 || r.log !== r.checkpointed) throw new WorkloadError(where, `checkpoint did not complete (${JSON.stringify(r)})`)
  }

  close(): void {
    this.db.close()
  }
}
