/**
 * FastCDC's options, declared once, and the parameters a chunker runs with once they are checked:
 * ranges are the fastcdc crate's (so every accepted set has a mask), and the cross-field rules
 * (min ≤ avg ≤ max; the masks normalisation picks must exist) are refused with a ConfigError.
 */
import { ConfigError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { FASTCDC_MASKS, maskBits } from './fastcdc-masks.ts'

export const FASTCDC_FORMS = ['v2016', 'v2020', 'ronomon'] as const
export type FastCdcForm = (typeof FASTCDC_FORMS)[number]

export const FASTCDC_OPTIONS = defineOptions({
  form: {
    type: 'enum',
    choices: FASTCDC_FORMS,
    default: 'v2020',
    description: 'v2016: one byte a step (USENIX ATC 2016); v2020: two bytes a step, same cuts (TPDS 2020; the WASM kernel); ronomon: the 31-bit JavaScript reference variant',
  },
  min: { type: 'size', default: 4096, min: 64, max: 1 << 20, description: 'smallest chunk (but the last); no cut is looked for before it' },
  avg: { type: 'size', default: 16384, min: 256, max: 4 << 20, description: 'the expected chunk size: picks the masks (log2 rounded)' },
  max: { type: 'size', default: 65536, min: 1024, max: 16 << 20, description: 'largest chunk: cut there when no hash matched' },
  normalization: {
    type: 'number',
    integer: true,
    default: 1,
    min: 0,
    max: 3,
    description: 'normalised chunking level: bits by which the small and large masks differ from the average\'s (0 = one mask); ronomon is fixed at 1',
  },
  seed: { type: 'number', integer: true, default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, description: 'XORed into every gear-table entry (0 = the table itself); v2016 and v2020 only' },
})

export type FastCdcOptions = OptionsOf<typeof FASTCDC_OPTIONS>

/** Checked parameters: the masks before and after the average size (small: more one bits, harder to cut). */
export interface FastCdcParams {
  readonly form: FastCdcForm
  readonly min: number
  readonly avg: number
  readonly max: number
  readonly normalization: number
  readonly seed: number
  readonly maskS: bigint
  readonly maskL: bigint
}

/** The options checked (ranges, then the rules between them) and turned into a chunker's parameters. */
export function fastCdcParams(owner: string, opts: FastCdcOptions): FastCdcParams {
  checkOptions(owner, FASTCDC_OPTIONS, opts)
  const { form, min, avg, max, normalization, seed } = opts
  if (!(min <= avg && avg <= max)) {
    throw new ConfigError(`${owner}: chunk sizes must satisfy min ≤ avg ≤ max, got ${min} / ${avg} / ${max}: e.g. --opt ${owner}.min=${Math.max(64, avg >> 2)}`)
  }
  if (form === 'ronomon' && (normalization !== 1 || seed !== 0)) {
    throw new ConfigError(`${owner}: the ronomon form has a fixed normalisation of 1 and no seed, got normalization ${normalization}, seed ${seed}: use --opt ${owner}.form=v2020 for those`)
  }
  const bits = maskBits(avg)
  if (form === 'ronomon') return { form, min, avg, max, normalization, seed, maskS: (1n << BigInt(bits + 1)) - 1n, maskL: (1n << BigInt(bits - 1)) - 1n }
  const small = bits + normalization
  const large = bits - normalization
  if (large < 5 || small >= FASTCDC_MASKS.length) {
    throw new ConfigError(`${owner}: normalisation ${normalization} at avg ${avg} needs masks of ${large} and ${small} bits; only 5 to ${FASTCDC_MASKS.length - 1} exist: lower ${owner}.normalization`)
  }
  return { form, min, avg, max, normalization, seed, maskS: FASTCDC_MASKS[small]!, maskL: FASTCDC_MASKS[large]! }
}
