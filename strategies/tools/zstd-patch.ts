import { ConfigError } from '../../core/errors.ts'
import type { StrategyOptions } from '../../core/strategy.ts'
import { referenceDeltaStrategy } from './reference-delta.ts'

export interface ZstdPatchOptions extends StrategyOptions {
  /** Not used: zstd finds its own matches (kept so every strategy runs in the same matrix). */
  blockSize: number
  /** Compression level, 1 to 19. Default 3. */
  level: number
}

/** zstd --patch-from against the sender's kept copy of the old version: see shared/reference-delta.ts. */
export const zstdPatch = referenceDeltaStrategy<ZstdPatchOptions>({
  name: 'zstd-patch',
  summary: 'zstd --patch-from=old new: both versions in one place (the sender keeps the old one); the first sync sends the whole volume',
  tools: [{ cmd: 'zstd', apt: 'zstd' }],
  defaults: { blockSize: 4096, level: 3 },
  options: {
    blockSize: { type: 'size', description: 'not used (zstd finds its own matches)' },
    level: { type: 'number', description: 'compression level (1-19)' },
  },
  check(o) {
    if (!Number.isInteger(o.level) || o.level < 1 || o.level > 19) throw new ConfigError(`zstd-patch: level must be 1-19, got ${o.level}`)
  },
  // --memory lets the decoder accept the window --patch-from sizes to the reference (up to 2 GiB).
  encode: (o, ref, input, output) => ['zstd', '-q', '-f', `-${o.level}`, `--patch-from=${ref}`, input, '-o', output],
  decode: (_o, ref, input, output) => ['zstd', '-q', '-d', '-f', '--memory=2048MB', `--patch-from=${ref}`, input, '-o', output],
})
