/**
 * Writing Jupyter notebooks (nbformat 4.5) for a Python kernel: markdown and code cells, outputs left empty.
 *
 * Why empty: every figure and the conclusion are computed by the notebook's own Python from the run's
 * rows when it runs (Run All, or `jupyter nbconvert --execute`); pre-filled outputs would be a second copy
 * of those numbers that could drift from the code beside them, and would make generating need Python.
 */

export const KERNELSPEC = { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } as const

export interface MarkdownCell {
  id: string
  cell_type: 'markdown'
  metadata: Record<string, unknown>
  source: string[]
}

export interface CodeCell {
  id: string
  cell_type: 'code'
  execution_count: null
  metadata: Record<string, unknown>
  source: string[]
  outputs: []
}

export type Cell = MarkdownCell | CodeCell

export interface Notebook {
  nbformat: 4
  nbformat_minor: 5
  metadata: Record<string, unknown>
  cells: Cell[]
}

/** nbformat stores text as a list of lines, each but the last ending in a newline. */
export function lines(text: string): string[] {
  const parts = text.replace(/^\n+|\n+$/g, '').split('\n')
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l))
}

/** Builds a notebook cell by cell; ids are stable (name and position), so regenerating diffs cleanly. */
export class NotebookBuilder {
  readonly cells: Cell[] = []

  constructor(private readonly name: string) {}

  private nextId(): string {
    return `${this.name}-${this.cells.length + 1}`
  }

  markdown(text: string): this {
    this.cells.push({ id: this.nextId(), cell_type: 'markdown', metadata: {}, source: lines(text) })
    return this
  }

  /** A Python code cell, not run: its outputs come when the notebook runs. */
  code(python: string): this {
    this.cells.push({ id: this.nextId(), cell_type: 'code', execution_count: null, metadata: {}, source: lines(python), outputs: [] })
    return this
  }

  build(metadata: Record<string, unknown>): Notebook {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { ...KERNELSPEC },
        language_info: { name: 'python', file_extension: '.py', mimetype: 'text/x-python' },
        ...metadata,
      },
      cells: this.cells,
    }
  }
}
