/** Escaping of user-chosen text (strategy, class and plugin names) for HTML and inline SVG. */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` safe in element content and in quoted attribute values alike (HTML5 and inline SVG
 * share the HTML parser), so one function covers both places.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}
