import type { StateStore } from '../core/strategy.ts'

/**
 * A half's saved state between syncs. Writes during a sync are staged and take effect on commit;
 * abort drops them, so a failed sync leaves the state as it was (as the replica).
 */
export class StagedStateStore implements StateStore {
  private committed = new Map<string, Uint8Array>()
  private staged = new Map<string, Uint8Array | null>()

  get(key: string): Uint8Array | undefined {
    const s = this.staged.get(key)
    if (s === null) return undefined
    return s ?? this.committed.get(key)
  }

  set(key: string, value: Uint8Array): void {
    this.staged.set(key, new Uint8Array(value))
  }

  delete(key: string): void {
    this.staged.set(key, null)
  }

  keys(): string[] {
    const all = new Set([...this.committed.keys(), ...this.staged.keys()])
    return [...all].filter((k) => this.get(k) !== undefined).sort()
  }

  commit(): void {
    for (const [k, v] of this.staged) {
      if (v === null) this.committed.delete(k)
      else this.committed.set(k, v)
    }
    this.staged.clear()
  }

  abort(): void {
    this.staged.clear()
  }

  /** Forgets everything (a lost cache, a reset tracker). */
  reset(): void {
    this.committed.clear()
    this.staged.clear()
  }

  /** Serialised size of the committed state: keys (UTF-8) plus values. */
  get bytes(): number {
    let n = 0
    for (const [k, v] of this.committed) n += Buffer.byteLength(k) + v.length
    return n
  }
}
