/**
 * `--floor <level>`: how hard the local-delta floor (harness/local-floor.ts) tries. Each level names the two
 * local deltas it makes of an epoch's old and new versions; the floor is the smaller.
 *
 * - `fast` (the default): zstd -9 --long --patch-from and xdelta3 -3. On the bench's 16 MiB epochs this costs
 *   ~0.6 s of CPU per tool per epoch and comes within a few % of `max` (README, "The local-delta floor").
 * - `max`: zstd -19 --long --patch-from and xdelta3 -9, about 10× the CPU of `fast` for 1-2% fewer bytes.
 * - `off`: no floor; the local_floor_* columns stay empty.
 */
import { ConfigError } from '../core/errors.ts'

export type FloorLevel = 'off' | 'fast' | 'max'

/** The levels of the two tools at one floor level. */
export interface FloorRecipe {
  level: Exclude<FloorLevel, 'off'>
  /** zstd's compression level (1-19). */
  zstd: number
  /** xdelta3's compression level (0-9). */
  xdelta3: number
}

export const FLOOR_RECIPES: Record<Exclude<FloorLevel, 'off'>, FloorRecipe> = {
  fast: { level: 'fast', zstd: 9, xdelta3: 3 },
  max: { level: 'max', zstd: 19, xdelta3: 9 },
}

export const FLOOR_LEVELS: readonly FloorLevel[] = ['off', 'fast', 'max']

export const DEFAULT_FLOOR: FloorLevel = 'fast'

/** What `--floor` accepts, for help texts. */
export const FLOOR_HELP = 'off (no floor), fast (zstd -9 --long --patch-from and xdelta3 -3) or max (zstd -19 and xdelta3 -9)'

export function parseFloorLevel(text: string): FloorLevel {
  if ((FLOOR_LEVELS as readonly string[]).includes(text)) return text as FloorLevel
  throw new ConfigError(`--floor ${text}: choose ${FLOOR_HELP}; e.g. --floor off to skip the local-delta floor`)
}

/** The recipe of a level, or null for off. */
export function floorRecipe(level: FloorLevel): FloorRecipe | null {
  return level === 'off' ? null : FLOOR_RECIPES[level]
}
