/** The strategy registry: one line per strategy. */
import type { AnyStrategy } from '../core/strategy.ts'
import { wholeFile } from './block/whole-file.ts'
import { fixedBlockCompare } from './block/fixed-block-compare.ts'
import { changedBlockBitmap } from './tracking/changed-block-bitmap.ts'
import { journalReplay } from './tracking/journal-replay.ts'
import { snapshotDiff } from './tracking/snapshot-diff.ts'
import { rsyncRolling } from './rolling/rsync-rolling.ts'
import { rsyncContext } from './rolling/rsync-context.ts'
import { rsyncRounds } from './rolling/rsync-rounds.ts'
import { cdcIndex } from './cdc/cdc-index.ts'
import { cdcReverse } from './cdc/cdc-reverse.ts'
import { rdiff } from './tools/rdiff.ts'
import { rsync } from './tools/rsync.ts'
import { xdelta3 } from './tools/xdelta3.ts'
import { zstdPatch } from './tools/zstd-patch.ts'
import { zsync } from './tools/zsync.ts'
import { casync } from './tools/casync.ts'

export const STRATEGIES: readonly AnyStrategy[] = [
  wholeFile,
  fixedBlockCompare,
  changedBlockBitmap,
  journalReplay,
  snapshotDiff,
  rsyncRolling,
  rsyncContext,
  rsyncRounds,
  cdcIndex,
  cdcReverse,
  rdiff,
  rsync,
  xdelta3,
  zstdPatch,
  zsync,
  casync,
]
