/** The strategy registry: one line per strategy. */
import type { AnyStrategy } from './strategy.ts'
import { wholeFile } from './whole-file.ts'
import { fixedBlockCompare } from './fixed-block-compare.ts'
import { changedBlockBitmap } from './changed-block-bitmap.ts'
import { journalReplay } from './journal-replay.ts'
import { snapshotDiff } from './snapshot-diff.ts'
import { rsyncRolling } from './rsync-rolling.ts'
import { rdiff } from './rdiff.ts'
import { rsync } from './rsync.ts'
import { xdelta3 } from './xdelta3.ts'
import { zstdPatch } from './zstd-patch.ts'

export const STRATEGIES: readonly AnyStrategy[] = [
  wholeFile,
  fixedBlockCompare,
  changedBlockBitmap,
  journalReplay,
  snapshotDiff,
  rsyncRolling,
  rdiff,
  rsync,
  xdelta3,
  zstdPatch,
]
