import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { refuseSystemPath } from './os-error.ts'
import { copyVolume, FileVolume, MemoryVolume, type Volume } from './volume.ts'
import { own, type Owned } from './cleanup.ts'
import { removeTree } from './temp-dir.ts'

/** A frozen base image that cells clone their source and replica from. */
export interface BaseImage {
  readonly size: number
  /** An in-memory image's own bytes (read only): a cell resets a reused volume from them without another copy. */
  readonly bytes?: Uint8Array
  clone(): Volume
  /** Frees the image (deletes its file). */
  release(): void
}

/**
 * Where volumes live. `memory` keeps them on the heap (fast, for small runs); `file` keeps them in a work
 * directory, so a 4 GiB volume costs disk and a bounded amount of heap.
 */
export interface Storage {
  readonly kind: 'memory' | 'file'
  volume(size: number): Volume
  /** Freezes a volume's current content as an image to clone from. */
  image(v: Volume): BaseImage
  /** Releases a volume this storage made (closes and deletes a file). */
  release(v: Volume): void
  dispose(): void
}

export class MemoryStorage implements Storage {
  readonly kind = 'memory'
  volume(size: number): Volume {
    return new MemoryVolume(size)
  }
  image(v: Volume): BaseImage {
    return memoryImage(v.read(0, v.size))
  }
  release(): void {}
  dispose(): void {}
}

export class FileStorage implements Storage {
  readonly kind = 'file'
  readonly dir: string
  private n = 0
  private readonly owned: Owned

  /** Makes its own folder under `parent`; registered with core/cleanup.ts, so an exit or Ctrl-C before dispose removes it too. */
  constructor(parent = tmpdir()) {
    refuseSystemPath('--work-dir', resolve(parent))
    mkdirSync(parent, { recursive: true })
    const dir = mkdtempSync(join(parent, 'deltabench-volumes-'))
    this.dir = dir
    this.owned = own(`volume folder ${dir}`, () => removeTree(dir))
  }

  private path(label: string): string {
    return join(this.dir, `${label}-${this.n++}.img`)
  }

  volume(size: number): Volume {
    const v = new FileVolume(this.path('volume'), 'create')
    v.truncate(size)
    return v
  }

  image(v: Volume): BaseImage {
    const path = this.path('image')
    if (v instanceof FileVolume) copyFileSync(v.path, path)
    else {
      // A workload that built its base in memory (a small file pair, a database file read back).
      const f = new FileVolume(path, 'create')
      copyVolume(v, f)
      f.close()
    }
    return {
      size: v.size,
      release: () => rmSync(path, { force: true }),
      clone: () => {
        const p = this.path('clone')
        copyFileSync(path, p)
        return new FileVolume(p)
      },
    }
  }

  release(v: Volume): void {
    if (v instanceof FileVolume) {
      v.close()
      rmSync(v.path, { force: true })
      rmSync(`${v.path}.stage`, { force: true })
    }
  }

  dispose(): void {
    this.owned.release()
  }
}

/** A base image of bytes already in memory (tests, file pairs read whole): a copy of them. */
export function memoryImage(bytes: Uint8Array): BaseImage {
  return adoptedImage(new Uint8Array(bytes))
}

/** A base image that takes `bytes` over without a copy: whoever made them must not write them again. */
export function adoptedImage(bytes: Uint8Array): BaseImage {
  return { size: bytes.length, bytes, clone: () => new MemoryVolume(bytes), release: () => {} }
}
