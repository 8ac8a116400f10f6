import { ProtocolError } from '../core/errors.ts'
import { TELEMETRY_COUNTERS, type Telemetry, type TelemetryCounter } from '../core/strategy.ts'

export type TelemetryValues = Partial<Record<TelemetryCounter, number>>

/**
 * The counters both halves of one sync report into (one table per sync), and the child-process CPU each
 * side charged. A bad value is a strategy bug, so it raises a ProtocolError and the sync fails.
 */
export class SyncTelemetry {
  readonly values: TelemetryValues = {}
  readonly childCpuMs = { sender: 0, receiver: 0 }

  constructor(private readonly strategy: string) {}

  /** The Telemetry handed to one half. */
  side(side: 'sender' | 'receiver'): Telemetry {
    const check = (what: string, n: number) => {
      if (!Number.isFinite(n) || n < 0) throw new ProtocolError(this.strategy, `${side} reported ${what} = ${n}; telemetry values are finite and not negative`)
    }
    const counter = (name: TelemetryCounter) => {
      if (!(TELEMETRY_COUNTERS as readonly string[]).includes(name)) throw new ProtocolError(this.strategy, `${side} reported unknown telemetry counter "${name}"`)
    }
    return {
      add: (name, n) => {
        counter(name)
        check(name, n)
        this.values[name] = (this.values[name] ?? 0) + n
      },
      max: (name, n) => {
        counter(name)
        check(name, n)
        this.values[name] = Math.max(this.values[name] ?? 0, n)
      },
      set: (name, n) => {
        counter(name)
        check(name, n)
        this.values[name] = n
      },
      chargeChildCpu: (ms) => {
        check('child CPU ms', ms)
        this.childCpuMs[side] += ms
      },
    }
  }
}
