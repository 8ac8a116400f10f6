/**
 * What a notebook module provides, and the opening every notebook shares: its title and question, the
 * prelude (RUN_DIR, rows, manifest), the one aggregation in Python, and what the run was.
 */
import { aggregationSentence } from '../core/aggregation.ts'
import { NotebookBuilder, type Notebook } from './notebook.ts'
import { aggregationCode } from './python-aggregation.ts'
import { preludeCode, RUN_ENV } from './python-prelude.ts'

export interface Analysis {
  /** compare-strategies → <run>/notebooks/compare-strategies.ipynb */
  name: string
  title: string
  /** The question it answers, in a sentence or two (its opening markdown). */
  question: string
  /** Adds the cells after the opening: markdown to read, Python that computes, charts and concludes. */
  addCells(nb: NotebookBuilder): void
}

/** The notebook of one analysis; `runFromNotebook` is the run directory relative to the notebook's folder. */
export function buildNotebook(a: Analysis, runFromNotebook: string): Notebook {
  const nb = new NotebookBuilder(a.name)
  nb.markdown(
    `# ${a.title}\n\n${a.question}\n\nRun All recomputes everything below from the run's \`rows.jsonl\` (notebooks/${a.name}.ts generates the cells; \`npm run notebooks -- results/<run>\` writes them into \`<run>/notebooks/\`). By default it reads the run it was generated for (the folder above \`notebooks/\`); set the environment variable \`${RUN_ENV}\` to analyse another run directory. ${aggregationSentence()}`,
  )
  nb.code(preludeCode(runFromNotebook))
  nb.code(aggregationCode())
  nb.code('display(Markdown(run_description()))')
  a.addCells(nb)
  return nb.build({ deltabench: { analysis: a.name } })
}
