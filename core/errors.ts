/**
 * Typed errors. Every message starts with where it comes from ("config:", "fixed-block-compare:")
 * and, where the user can act, says how to fix it.
 */
export class DeltabenchError extends Error {
  /** Short machine-readable code, stable across versions. */
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
    this.name = new.target.name
  }
}

/** A bad flag, option or config value. The CLI exits 2 on these and writes nothing. */
export class ConfigError extends DeltabenchError {
  constructor(message: string) {
    super('CONFIG', `config: ${message}`)
  }
}

/** A frame, signature, journal record or manifest that does not decode. Raised by a half. */
export class WireFormatError extends DeltabenchError {
  readonly strategy: string
  constructor(strategy: string, message: string) {
    super('WIRE_FORMAT', `${strategy}: malformed frame: ${message}`)
    this.strategy = strategy
  }
}

/** A strategy broke the harness contract (stalled, bad frame split, too many steps). */
export class ProtocolError extends DeltabenchError {
  constructor(strategy: string, message: string) {
    super('PROTOCOL', `${strategy}: ${message}`)
  }
}

/**
 * A real tool (rdiff, rsync, xdelta3, zstd) run as a baseline failed or refused its input: the message
 * names the strategy, the command and what the tool said. A malformed delta fed to a tool ends here.
 */
export class ToolError extends DeltabenchError {
  constructor(message: string) {
    super('TOOL', message)
  }
}

/** A receiver tried to grow its replica past the space it has (a forged size, or a runaway strategy). */
export class CapacityError extends DeltabenchError {
  constructor(message: string) {
    super('CAPACITY', `replica: ${message}`)
  }
}

/** A workload could not be built or applied (bad option, impossible edit). */
export class WorkloadError extends DeltabenchError {
  constructor(workload: string, message: string) {
    super('WORKLOAD', `${workload}: ${message}`)
  }
}

/** A cell that cannot run, with the reason (e.g. a tracking strategy on a file pair). */
export class UnsupportedError extends DeltabenchError {
  constructor(message: string) {
    super('UNSUPPORTED', message)
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
