import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption } from '../../core/strategy.ts'
import { referenceDeltaStrategy } from './reference-delta.ts'

const NAME = 'zstd-patch'
const OPTIONS = defineOptions({
  // Kept so every strategy runs in the same matrix.
  blockSize: blockSizeOption('not used (zstd finds its own matches)'),
  level: { type: 'number', integer: true, min: 1, max: 19, default: 3, description: 'compression level (-1 to -19)' },
})
export type ZstdPatchOptions = OptionsOf<typeof OPTIONS>

/** zstd --patch-from against the sender's kept copy of the old version: see tools/reference-delta.ts. */
export const zstdPatch = referenceDeltaStrategy<ZstdPatchOptions>({
  name: NAME,
  summary: 'zstd --patch-from=old new: both versions in one place (the sender keeps the old one); the first sync sends the whole volume',
  tools: [{ cmd: 'zstd', apt: 'zstd' }],
  options: OPTIONS,
  // --memory lets the decoder accept the window --patch-from sizes to the reference (up to 2 GiB).
  encode: (o, ref, input, output) => ['zstd', '-q', '-f', `-${o.level}`, `--patch-from=${ref}`, input, '-o', output],
  decode: (_o, ref, input, output) => ['zstd', '-q', '-d', '-f', '--memory=2048MB', `--patch-from=${ref}`, input, '-o', output],
})
