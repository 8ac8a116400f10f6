/**
 * `--floor <level>`: how hard the local-delta floor (harness/local-floor.ts) tries. Each level names the two
 * local deltas it makes of an epoch's old and new versions; the floor is the smaller. The two tools run at
 * once, so a level costs about its slower tool's time.
 *
 * - `fast` (the default): xdelta3 -9, and zstd -9 --long --patch-from (-19 when both versions are at most
 *   1 MiB, where -19 costs well under a second). Per 16 MiB epoch here: ~0.6 s CPU for zstd, ~1 s for xdelta3;
 *   within 2.5% of `max` on every epoch of the bench's workloads, 12% above it on a typescript release pair,
 *   where zstd -19's optimal parser finds more in text (README, "The local-delta floor").
 * - `max`: xdelta3 -9 and zstd -19 --long --patch-from at every size: 5-15 s CPU per 16-22 MiB epoch.
 * - `off`: no floor; the local_floor_* columns stay empty.
 */
import { ConfigError } from '../core/errors.ts'

export type FloorLevel = 'off' | 'fast' | 'max'

/** The levels of the two tools at one floor level. */
export interface FloorRecipe {
  level: Exclude<FloorLevel, 'off'>
  /** zstd's compression level (1-19). */
  zstd: number
  /** zstd's level when neither version is larger than `smallBytes`. */
  zstdSmall: number
  smallBytes: number
  /** xdelta3's compression level (0-9). */
  xdelta3: number
}

export const FLOOR_RECIPES: Record<Exclude<FloorLevel, 'off'>, FloorRecipe> = {
  fast: { level: 'fast', zstd: 9, zstdSmall: 19, smallBytes: 1 << 20, xdelta3: 9 },
  max: { level: 'max', zstd: 19, zstdSmall: 19, smallBytes: 0, xdelta3: 9 },
}

/** zstd's level for an epoch whose larger version has `bytes`. */
export function zstdLevel(recipe: FloorRecipe, bytes: number): number {
  return bytes <= recipe.smallBytes ? recipe.zstdSmall : recipe.zstd
}

export const FLOOR_LEVELS: readonly FloorLevel[] = ['off', 'fast', 'max']

export const DEFAULT_FLOOR: FloorLevel = 'fast'

/** What `--floor` accepts, for help texts. */
export const FLOOR_HELP = 'off (no floor), fast (zstd -9 --long --patch-from, -19 up to 1 MiB, and xdelta3 -9) or max (zstd -19 and xdelta3 -9 at any size)'

export function parseFloorLevel(text: string): FloorLevel {
  if ((FLOOR_LEVELS as readonly string[]).includes(text)) return text as FloorLevel
  throw new ConfigError(`--floor ${text}: choose ${FLOOR_HELP}; e.g. --floor off to skip the local-delta floor`)
}

/** The recipe of a level, or null for off. */
export function floorRecipe(level: FloorLevel): FloorRecipe | null {
  return level === 'off' ? null : FLOOR_RECIPES[level]
}
