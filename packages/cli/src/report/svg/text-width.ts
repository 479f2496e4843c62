/**
 * Width of a label in the report's sans-serif font, estimated without a browser: the page has no
 * script, so chart margins are sized when the HTML is written. Per-character advances are rounded
 * up from system-ui / DejaVu Sans / Helvetica at 11 px, so the estimate errs wide and a margin
 * sized from it holds the label (the browser test checks every label's box against its SVG).
 */

/** Advance in px at 11 px of the characters that are not the default width. */
const NARROW = new Set([...'iljtfrI.,:;!|\'" ()[]']);
const WIDE = new Set([...'mwMW@%']);
const DEFAULT_ADVANCE = 6.6;

/** Estimated width in px of `text` set at `fontSize` px. */
export function textWidth(text: string, fontSize = 11): number {
  let width = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) width += 3.9;
    else if (WIDE.has(ch)) width += 10;
    else if (ch >= 'A' && ch <= 'Z') width += 7.8;
    else width += DEFAULT_ADVANCE;
  }
  return (width * fontSize) / 11;
}
