/** One operation bench:primitives measures. */
export interface Primitive {
  group: string
  variant: string
  /** Block or chunk size the operation works on (0 when it does not apply). */
  blockSize: number
  /** Bytes processed by one call of fn. */
  bytesPerOp: number
  fn: () => unknown
}
