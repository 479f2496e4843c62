/** Small builders for SVG markup; every text and attribute value goes through `escapeHtml`. */
import { escapeHtml } from '../escape.js';

/** Attribute values: numbers are rounded to 0.01 px to keep the markup short. */
export type SvgAttributes = Readonly<Record<string, string | number | undefined>>;

/** `name="value"` pairs, escaped; undefined values are left out. */
export function attributes(attrs: SvgAttributes): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(typeof v === 'number' ? String(round2(v)) : v)}"`)
    .join('');
}

/** An element with escaped attributes and already-built inner markup (empty: self-closing). */
export function element(name: string, attrs: SvgAttributes, inner = ''): string {
  return inner === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

/** A `<text>` element holding escaped `text`. */
export function text(content: string, attrs: SvgAttributes): string {
  return `<text${attributes(attrs)}>${escapeHtml(content)}</text>`;
}

/** A hover tooltip (`<title>` child), escaped. */
export function tooltip(content: string): string {
  return `<title>${escapeHtml(content)}</title>`;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
