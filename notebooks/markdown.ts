/** Markdown for notebook cells: user-supplied text (run ids, seeds) escaped so it renders as text. */

/** Text that renders literally in Markdown: HTML and table pipes escaped, emphasis and code marks too. */
export function mdText(s: string): string {
  return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!).replace(/([|*_`[\]\\])/g, '\\$1')
}

export function mdTable(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}
