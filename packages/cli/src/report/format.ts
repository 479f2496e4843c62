/** Number formats shared by the report, compare.md and compare.csv. */

/** Accuracy fraction as a percent with 2 decimals (`0.71234` → `71.23`), `–` when there is none. */
export function percent2(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : (100 * x).toFixed(2);
}

/** Integer with thin grouping for readability in tables (`12345` → `12 345`). */
export function groupedInteger(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}
