/** The strategy registry: one line per strategy. */
import type { AnyStrategy } from './strategy.ts'
import { wholeFile } from './whole-file.ts'
import { fixedBlockCompare } from './fixed-block-compare.ts'
import { changedBlockBitmap } from './changed-block-bitmap.ts'
import { rsyncRolling } from './rsync-rolling.ts'

export const STRATEGIES: readonly AnyStrategy[] = [
  wholeFile,
  fixedBlockCompare,
  changedBlockBitmap,
  rsyncRolling,
]
