// Flower builds some object bodies with Python's `json.dumps` and its defaults (separators ", " and ": ",
// ensure_ascii=True). Object ids hash those bytes, so ours must match them exactly: every character outside
// printable ASCII (and '"', '\\') is escaped, non-BMP characters as UTF-16 surrogate pairs, hex in lower case.

export type PyJsonValue = string | number | readonly PyJsonValue[] | ReadonlyMap<string, PyJsonValue>;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const code = s.charCodeAt(i); // UTF-16 code units, so astral characters come out as surrogate pairs
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += '\\u' + code.toString(16).padStart(4, '0');
  }
  return out + '"';
}

function pyNumber(n: number): string {
  if (!Number.isInteger(n)) throw new Error(`python-json: only integers are written here, got ${n}`);
  return String(n);
}

/** `json.dumps(value)` as CPython writes it, for strings, integers, lists and string-keyed maps (insertion order). */
export function pythonJsonDumps(value: PyJsonValue): string {
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return pyNumber(value);
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(`${pyString(k)}: ${pythonJsonDumps(v)}`);
    return `{${parts.join(', ')}}`;
  }
  return `[${(value as readonly PyJsonValue[]).map(pythonJsonDumps).join(', ')}]`;
}

/**
 * Parse a flat JSON object of string values keeping the key order as written (JSON.parse would move
 * integer-like keys such as "10" to the front, which would change the order of an ArrayRecord's arrays).
 */
export function parseOrderedStringMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const str = String.raw`"(?:[^"\\]|\\.)*"`;
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) throw new Error(`expected a JSON object, got ${trimmed.slice(0, 40)}`);
  const inner = trimmed.slice(1, -1).trim();
  if (inner.length === 0) return out;
  const entry = new RegExp(String.raw`^\s*(${str})\s*:\s*(${str})\s*(,|$)`, 's');
  let rest = inner;
  while (rest.length > 0) {
    const m = entry.exec(rest);
    if (!m || m[1] === undefined || m[2] === undefined)
      throw new Error(`malformed JSON object entry near ${JSON.stringify(rest.slice(0, 40))}`);
    const key = JSON.parse(m[1]) as string;
    if (out.has(key)) throw new Error(`duplicate key ${JSON.stringify(key)} in JSON object`);
    out.set(key, JSON.parse(m[2]) as string);
    rest = rest.slice(m[0].length);
    if (m[3] === ',' && rest.trim().length === 0) throw new Error('trailing comma in JSON object');
  }
  return out;
}
