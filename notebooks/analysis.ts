/** What a notebook module provides: a name (its .ipynb file), a title, and how to build it from a run. */
import type { TopLevelSpec } from 'vega-lite'
import type { ChartBuilder } from '../analysis/charts/chart.ts'
import { mdText } from './markdown.ts'
import type { Notebook, NotebookBuilder } from './notebook.ts'
import type { RunData } from './run-data.ts'

export interface AnalysisResult {
  notebook: Notebook
  /** The conclusion as written into the notebook (Markdown), computed from the run. */
  conclusion: string
}

export interface Analysis {
  /** compare-strategies → notebooks/compare-strategies.ipynb */
  name: string
  title: string
  build(run: RunData): Promise<AnalysisResult>
}

/** The TypeScript a chart cell shows: how to make the same chart from the same run directory. */
export function chartCode(run: RunData, builder: ChartBuilder, exportName: string): string {
  return [
    `// analysis/charts/${builder.id}.ts, over ${run.dir.replace(/\n/g, ' ')}`,
    `const rows = readRows(runDir)`,
    `${exportName}.build(rows, chartContext(rows, manifest.config))`,
  ].join('\n')
}

/** Adds a builder's chart to the notebook, or a line saying why it does not apply to this run. */
export async function addChart(nb: NotebookBuilder, run: RunData, builder: ChartBuilder, exportName: string): Promise<TopLevelSpec | null> {
  const outcome = builder.build(run.rows, run.ctx)
  if ('absent' in outcome) {
    nb.markdown(`*${mdText(builder.title)}: not drawn for this run, ${mdText(outcome.absent)}.*`)
    return null
  }
  await nb.chart(chartCode(run, builder, exportName), outcome.spec, builder.title)
  return outcome.spec
}
