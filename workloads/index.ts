/** The workload registry: one line per workload. */
import type { AnyWorkload } from './workload.ts'
import { randomOverwrite } from './random-overwrite.ts'
import { insertDelete } from './insert-delete.ts'
import { append } from './append.ts'
import { hotSpot } from './hot-spot.ts'
import { resize } from './resize.ts'
import { filePair } from './file-pair.ts'
import { sqliteOltp } from './sqlite-oltp.ts'
import { releaseSeries } from './release-series.ts'
import { blockTrace } from './block-trace.ts'
import { collisionFlood } from './collision-flood.ts'

export const WORKLOADS: readonly AnyWorkload[] = [
  randomOverwrite,
  insertDelete,
  append,
  hotSpot,
  resize,
  filePair,
  sqliteOltp,
  releaseSeries,
  blockTrace,
  collisionFlood,
]

