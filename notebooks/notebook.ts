/**
 * Writing Jupyter notebooks (nbformat 4.5) whose outputs are already rendered, so they open with their
 * charts in JupyterLab and VS Code (which draw the Vega-Lite output) and on GitHub (which shows the PNG).
 *
 * Mime version: JupyterLab 4's vega5-extension and VS Code's notebook renderers register Vega-Lite up to
 * `application/vnd.vegalite.v5+json` (they bundle vega-lite 5), nothing for v6. So outputs go under the v5
 * mime type with a v5 `$schema` (vega-embed warns when the schema's major version differs from its own), and
 * the chart builders keep to features Vega-Lite 5 has; the PNG beside it is the fallback everywhere else.
 */
import type { TopLevelSpec } from 'vega-lite'
import { renderPng, renderSvg } from '../analysis/charts/render.ts'

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json'
export const VEGALITE_V5_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json'

export interface MarkdownCell {
  id: string
  cell_type: 'markdown'
  metadata: Record<string, unknown>
  source: string[]
}

export interface DisplayData {
  output_type: 'display_data'
  data: Record<string, unknown>
  metadata: Record<string, unknown>
}

export interface CodeCell {
  id: string
  cell_type: 'code'
  execution_count: number | null
  metadata: Record<string, unknown>
  source: string[]
  outputs: DisplayData[]
}

export type Cell = MarkdownCell | CodeCell

export interface Notebook {
  nbformat: 4
  nbformat_minor: 5
  metadata: Record<string, unknown>
  cells: Cell[]
}

/** nbformat stores text as a list of lines, each but the last ending in a newline. */
function lines(text: string): string[] {
  const parts = text.split('\n')
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l) => l !== '')
}

/** Builds a notebook cell by cell; ids are stable (name and position), so regenerating diffs cleanly. */
export class NotebookBuilder {
  readonly cells: Cell[] = []
  private executed = 0

  constructor(private readonly name: string) {}

  private nextId(): string {
    return `${this.name}-${this.cells.length + 1}`
  }

  markdown(text: string): void {
    this.cells.push({ id: this.nextId(), cell_type: 'markdown', metadata: {}, source: lines(text) })
  }

  /**
   * A code cell showing the TypeScript that made the chart, with the chart as its output: the Vega-Lite
   * spec (interactive where the viewer renders Vega-Lite), a PNG and a plain-text fallback.
   */
  async chart(code: string, spec: TopLevelSpec, title: string): Promise<void> {
    const v5 = { ...spec, $schema: VEGALITE_V5_SCHEMA } as TopLevelSpec
    const svg = await renderSvg(v5)
    const png = renderPng(svg, 1.5)
    const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0)
    this.cells.push({
      id: this.nextId(),
      cell_type: 'code',
      execution_count: ++this.executed,
      metadata: {},
      source: lines(code),
      outputs: [
        {
          output_type: 'display_data',
          data: { [VEGALITE_MIME]: v5, 'image/png': Buffer.from(png).toString('base64'), 'text/plain': [`<Vega-Lite chart: ${title}>`] },
          // Drawn at 1.5× for sharpness; shown at the chart's own width.
          metadata: width > 0 ? { 'image/png': { width: Math.round(width) } } : {},
        },
      ],
    })
  }

  build(metadata: Record<string, unknown>): Notebook {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' }, ...metadata },
      cells: this.cells,
    }
  }
}
