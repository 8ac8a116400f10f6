/**
 * Options declared once. A strategy or workload lists its options in a schema (type, default,
 * description, valid range); its options type and its defaults are derived from that schema, and the
 * same schema coerces what a user sets (`--opt owner.key=value`) and checks values at run time.
 */
import { ConfigError } from './errors.ts'
import { parseSize } from './units.ts'

interface Declared<T> {
  readonly description: string
  readonly default: T
}

/** A number; 'size' is a whole number of bytes that accepts units (4KiB) and is never negative. */
export interface NumberOption extends Declared<number | string> {
  readonly type: 'number' | 'size'
  readonly min?: number
  readonly max?: number
  /** Whole numbers only (a size always is). */
  readonly integer?: boolean
  /** Words accepted instead of a number (rsync-rolling.strongBytes: auto). */
  readonly words?: readonly string[]
}

export interface BooleanOption extends Declared<boolean> {
  readonly type: 'boolean'
}

export interface StringOption extends Declared<string> {
  readonly type: 'string'
}

export interface EnumOption extends Declared<string> {
  readonly type: 'enum'
  readonly choices: readonly string[]
}

/** One documented option, for `deltabench list`, the README and config validation. */
export type OptionSpec = NumberOption | BooleanOption | StringOption | EnumOption

export type OptionSchema = { readonly [key: string]: OptionSpec }

export type OptionValue = number | string | boolean

/** The value type a spec declares: an enum's choices become a union, a number's words join it. */
export type ValueOf<S extends OptionSpec> = S extends { readonly type: 'boolean' }
  ? boolean
  : S extends { readonly type: 'enum'; readonly choices: readonly (infer C)[] }
    ? C
    : S extends { readonly type: 'string' }
      ? string
      : S extends { readonly words: readonly (infer W)[] }
        ? number | W
        : number

/** The options object a schema describes. */
export type OptionsOf<S extends OptionSchema> = { -readonly [K in keyof S]: ValueOf<S[K]> }

/** A schema seen from the options type it describes (what the strategy and workload contracts hold). */
export type SchemaFor<O> = { readonly [K in keyof O]: OptionSpec }

/** Declares a schema; `const` keeps enum choices and words as literals so OptionsOf can derive unions. */
export function defineOptions<const S extends OptionSchema>(schema: S): S {
  return schema
}

export function defaultsOf<S extends OptionSchema>(schema: S): OptionsOf<S> {
  return Object.fromEntries(Object.entries(schema).map(([key, spec]) => [key, spec.default])) as OptionsOf<S>
}

/** The defaults of a strategy's or a workload's options, typed as its options (derived, never declared). */
export function defaultOptions<O>(owner: { readonly options: SchemaFor<O> }): O {
  return defaultsOf(owner.options as OptionSchema) as O
}

const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['1', true],
  ['on', true],
  ['false', false],
  ['0', false],
  ['off', false],
])

const wholeOnly = (spec: NumberOption) => spec.integer === true || spec.type === 'size'
/** A size is never negative, whatever it declares. */
const lowest = (spec: NumberOption) => spec.min ?? (spec.type === 'size' ? 0 : -Infinity)

/** 1 GiB, 64 KiB, 700 B: the largest binary unit that divides the size exactly. */
function sizeText(bytes: number, space = ' '): string {
  for (const [unit, scale] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes !== 0 && bytes % scale === 0) return `${bytes / scale}${space}${unit}`
  }
  return `${bytes}${space}B`
}

function numberText(spec: NumberOption, n: number): string {
  return spec.type === 'size' ? sizeText(n) : String(n)
}

/** What a spec accepts, as the end of "must be …": "a whole number from 4 to 64", "one of fixed, rsync". */
export function acceptedText(spec: OptionSpec): string {
  switch (spec.type) {
    case 'boolean':
      return 'true or false'
    case 'string':
      return 'text'
    case 'enum':
      return `one of ${spec.choices.join(', ')}`
    case 'number':
    case 'size': {
      const noun = spec.type === 'size' ? 'a size' : wholeOnly(spec) ? 'a whole number' : 'a number'
      const min = lowest(spec)
      const low = min > (spec.type === 'size' ? 0 : -Infinity)
      let bounds = ''
      if (low && spec.max !== undefined) bounds = ` from ${numberText(spec, min)} to ${numberText(spec, spec.max)}`
      else if (low) bounds = ` of at least ${numberText(spec, min)}`
      else if (spec.max !== undefined) bounds = ` of at most ${numberText(spec, spec.max)}`
      return `${noun}${bounds}${spec.words ? `, or ${spec.words.join(' or ')}` : ''}`
    }
  }
}

function accepts(spec: OptionSpec, v: unknown): boolean {
  switch (spec.type) {
    case 'boolean':
      return typeof v === 'boolean'
    case 'string':
      return typeof v === 'string'
    case 'enum':
      return typeof v === 'string' && spec.choices.includes(v)
    case 'number':
    case 'size':
      if (typeof v === 'string') return spec.words?.includes(v) === true
      if (typeof v !== 'number' || !Number.isFinite(v) || (wholeOnly(spec) && !Number.isSafeInteger(v))) return false
      return v >= lowest(spec) && v <= (spec.max ?? Infinity)
  }
}

/** The default as a user would type it after `--opt owner.key=`. */
function exampleOf(spec: OptionSpec): string {
  return spec.type === 'size' && typeof spec.default === 'number' ? sizeText(spec.default, '') : String(spec.default)
}

function checkValue(owner: string, key: string, spec: OptionSpec, value: unknown): void {
  if (accepts(spec, value)) return
  const got = typeof value === 'string' ? JSON.stringify(value) : String(value)
  throw new ConfigError(`${owner}.${key} must be ${acceptedText(spec)}, got ${got}: e.g. --opt ${owner}.${key}=${exampleOf(spec)}`)
}

/** A value as given (text from a command line, or already typed in a request) turned into the spec's type, if it reads as one. */
function parseValue(where: string, spec: OptionSpec, value: unknown): unknown {
  const text = typeof value === 'string' ? value : undefined
  switch (spec.type) {
    case 'size':
      return text !== undefined && !spec.words?.includes(text) ? parseSize(text, where) : value
    case 'number': {
      if (text === undefined || spec.words?.includes(text)) return value
      const n = Number(text)
      // Number('') is 0 and Number('x') NaN: such text stays text, so the check refuses it as given.
      return text.trim() === '' || Number.isNaN(n) ? value : n
    }
    case 'boolean':
      return text !== undefined ? (BOOLEAN_WORDS.get(text) ?? value) : value
    case 'enum':
    case 'string':
      return String(value)
  }
}

/** Coerces one option a user set to its declared type and checks its range, or says what is wrong and how to fix it. */
export function coerceOption(owner: string, schema: OptionSchema, key: string, value: unknown): OptionValue {
  const spec = Object.hasOwn(schema, key) ? schema[key] : undefined
  if (!spec) throw new ConfigError(`${owner} has no option "${key}"; it has ${Object.keys(schema).join(', ')} (deltabench list describes them)`)
  const typed = parseValue(`${owner}.${key}`, spec, value)
  checkValue(owner, key, spec, typed)
  return typed as OptionValue
}

/** Checks resolved options against their declared types and ranges (keys the schema does not declare are not looked at). */
export function checkOptions(owner: string, schema: OptionSchema, values: object): void {
  const record = values as Record<string, unknown>
  for (const [key, spec] of Object.entries(schema)) checkValue(owner, key, spec, record[key])
}
