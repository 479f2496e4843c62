import { createHash } from 'node:crypto';

// Every object on the Fleet API is "<type> <child ids joined by ','> <body length>\0<body>" (the head in UTF-8);
// its id is the lower-case hex SHA-256 of those bytes. The link checks the id of every object it receives,
// and a receiver must check them too before trusting content.

/** The object kinds Flower >= 1.25 exchanges on the Fleet API (Python class names, as written in heads). */
export type ObjectType = 'Message' | 'RecordDict' | 'ArrayRecord' | 'MetricRecord' | 'ConfigRecord' | 'Array' | 'ArrayChunk';

const OBJECT_TYPES: ReadonlySet<string> = new Set<ObjectType>([
  'Message',
  'RecordDict',
  'ArrayRecord',
  'MetricRecord',
  'ConfigRecord',
  'Array',
  'ArrayChunk',
]);

const utf8 = new TextEncoder();

export function objectIdOf(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export function isObjectId(id: string): boolean {
  return /^[0-9a-f]{64}$/.test(id);
}

/**
 * Object bytes: head + NUL + body. `childIds` must already be distinct and in first-occurrence order. The body
 * may be given in parts (concatenated here).
 */
export function buildObject(type: ObjectType, childIds: readonly string[], body: Uint8Array | readonly Uint8Array[]): Uint8Array {
  const parts = body instanceof Uint8Array ? [body] : body;
  const bodyLength = parts.reduce((n, p) => n + p.length, 0);
  const head = utf8.encode(`${type} ${childIds.join(',')} ${bodyLength}`);
  const out = new Uint8Array(head.length + 1 + bodyLength);
  out.set(head, 0);
  out[head.length] = 0;
  let at = head.length + 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface ParsedObject {
  readonly type: ObjectType;
  readonly childIds: readonly string[];
  readonly body: Uint8Array;
}

/** Split and validate object bytes (head shape, known type, child ids, body length). The body is a view. */
export function parseObject(content: Uint8Array, expectedId?: string): ParsedObject {
  if (expectedId !== undefined) {
    const actual = objectIdOf(content);
    if (actual !== expectedId) throw new Error(`object content does not hash to its id: expected ${expectedId}, got ${actual}`);
  }
  const nul = content.indexOf(0);
  if (nul < 0) throw new Error('object has no head/body divider (NUL byte)');
  const head = new TextDecoder('utf-8', { fatal: true }).decode(content.subarray(0, nul));
  const parts = head.split(' ');
  if (parts.length !== 3) throw new Error(`object head must be "<type> <children> <length>", got ${JSON.stringify(head.slice(0, 80))}`);
  const [type, children, lengthText] = parts as [string, string, string];
  if (!OBJECT_TYPES.has(type)) throw new Error(`unknown object type '${type}'`);
  const childIds = children.length > 0 ? children.split(',') : [];
  for (const id of childIds) if (!isObjectId(id)) throw new Error(`object head names an invalid child id '${id}'`);
  const body = content.subarray(nul + 1);
  if (!/^\d+$/.test(lengthText) || Number(lengthText) !== body.length) {
    throw new Error(`object head says the body has ${lengthText} bytes, it has ${body.length}`);
  }
  return { type: type as ObjectType, childIds, body };
}

/** A message's object graph as the Fleet API ships it (ObjectTree): ids only, children in head order. */
export interface ObjectTreeNode {
  readonly objectId: string;
  readonly children: readonly ObjectTreeNode[];
}

/** Ids of a tree, children before parents (the order to push or pull so a parent's children exist first). */
export function postOrderIds(tree: ObjectTreeNode): string[] {
  const out: string[] = [];
  const walk = (node: ObjectTreeNode): void => {
    for (const child of node.children) walk(child);
    out.push(node.objectId);
  };
  walk(tree);
  return out;
}
