/**
 * Escaping for the two places user-controlled text (run ids, seeds, option values, error messages) lands in
 * report.html: HTML text and attributes, and JSON inside an inline <script>.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text or an attribute value in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!)
}

/**
 * JSON safe inside <script type="application/json">: `<` is written \u003c so no `</script>` or `<!--` can
 * end or confuse the element, `>` and `&` likewise, and U+2028/U+2029 are escaped for older JS parsers.
 * JSON.parse reads every one of these back as the original character.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * A library's source inlined in a <script>: a literal `</script` in it would end the element early, so it
 * is written `<\/script` (the same string in any JS string, regex or comment where it could appear).
 */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1')
}
