import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pythonMissing, runPython } from '../__fixtures__/python.js';
import { SUPERLINK_NODE_ID, type FleetMessage } from '../message.js';
import { fleetArray } from '../records/fleet-array.js';
import { encodeNpy } from '../records/npy.js';
import { arrayRecord, configRecord, metricRecord, recordDict } from '../records/record-dict.js';
import { deflateMessage } from './deflate.js';
import { inflateMessage } from './inflate.js';
import { parseObject, postOrderIds } from './object-content.js';
import { parseOrderedStringMap, pythonJsonDumps } from './python-json.js';

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
/** An object as the protocol describes it, assembled by hand. */
const obj = (head: string, body: Uint8Array | string): Buffer =>
  Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from([0]), Buffer.from(body)]);

const metadata = {
  runId: 7n,
  messageId: '',
  srcNodeId: SUPERLINK_NODE_ID,
  dstNodeId: 1234n,
  replyToMessageId: '',
  groupId: '3',
  ttl: 3600,
  messageType: 'train',
  createdAt: 1_700_000_000.25,
};

describe('python-compatible JSON', () => {
  it('escapes like json.dumps with ensure_ascii', () => {
    const m = new Map<string, string | number[]>([
      ['conv1.weight', 'x'],
      ['głowa/é', 'ü'],
      ['emoji 🙂', '"q"\\\n\t\u007f'],
      ['shape', [2, 3]],
    ]);
    expect(pythonJsonDumps(m)).toBe(
      '{"conv1.weight": "x", "g\\u0142owa/\\u00e9": "\\u00fc", "emoji \\ud83d\\ude42": "\\"q\\"\\\\\\n\\t\\u007f", "shape": [2, 3]}',
    );
  });

  it('parses flat objects keeping integer-like keys in written order', () => {
    expect([...parseOrderedStringMap('{"10": "a", "2": "b", "\\u00e9": "c"}')]).toEqual([
      ['10', 'a'],
      ['2', 'b'],
      ['é', 'c'],
    ]);
  });

  const missing = pythonMissing(['json']);
  it.skipIf(missing !== undefined)('agrees with CPython json.dumps on awkward keys', () => {
    const keys = ['plain', 'ç', '日本語', '🙂x', 'tab\tnl\n', 'quote"back\\', '\u0001\u001f', '~\u007f\u0080'];
    const py = runPython(
      'import sys, json\nks = json.loads(sys.stdin.read())\nprint(json.dumps({k: k for k in ks}), end="")',
      JSON.stringify(keys),
    ).toString('utf8');
    expect(pythonJsonDumps(new Map(keys.map((k) => [k, k])))).toBe(py);
  });
});

describe('Flower object encoding', () => {
  it('builds an Array from .npy chunks, de-duplicating identical chunks, with hand-computed ids', () => {
    // 40 zero floats = 160 data bytes + 128 header bytes = 288 bytes; 64-byte chunks: 5 chunks, the last
    // 32 bytes long; chunks 2..3 (all zeros) are identical.
    const a = fleetArray('float32', [40], new Float32Array(40));
    const npy = Buffer.from(encodeNpy(a));
    expect(npy.length).toBe(288);
    const chunkObjs = [0, 64, 128, 192, 256].map((s) => obj(`ArrayChunk  ${Math.min(64, 288 - s)}`, npy.subarray(s, s + 64)));
    const chunkIds = chunkObjs.map(sha);
    const unique = [...new Set(chunkIds)];
    expect(unique.length).toBe(4);
    const body = `{"dtype": "float32", "shape": [40], "stype": "numpy.ndarray", "arraychunk_ids": [${chunkIds.map((c) => unique.indexOf(c)).join(', ')}]}`;
    expect(body).toContain('"arraychunk_ids": [0, 1, 2, 2, 3]');
    const arrayObj = obj(`Array ${unique.join(',')} ${body.length}`, body);
    const recBody = `{"w\\u00e9ights": "${sha(arrayObj)}"}`;
    const recObj = obj(`ArrayRecord ${sha(arrayObj)} ${recBody.length}`, recBody);

    const d = deflateMessage({ metadata, content: recordDict({ arrays: arrayRecord({ wéights: a }) }) }, 64);
    expect(d.objects.get(sha(arrayObj))).toEqual(new Uint8Array(arrayObj));
    expect(d.objects.get(sha(recObj))).toEqual(new Uint8Array(recObj));
    for (const c of chunkObjs) expect(d.objects.get(sha(c))).toEqual(new Uint8Array(c));
    // The tree names each distinct chunk once; post-order puts leaves first and the message last.
    const order = postOrderIds(d.tree);
    expect(order.at(-1)).toBe(d.messageId);
    expect(order.indexOf(sha(arrayObj))).toBeGreaterThan(Math.max(...unique.map((u) => order.indexOf(u))));
    expect(d.objects.size).toBe(4 + 1 + 1 + 1 + 1); // chunks, Array, ArrayRecord, RecordDict, Message
  });

  it('round-trips content through deflate/inflate (shapes (), (n,), 4-d, empty; metrics; configs)', () => {
    const content = recordDict({
      arrays: arrayRecord([
        ['10', fleetArray('float64', [], new Float64Array([1.5]))],
        ['2', fleetArray('int64', [3], new BigInt64Array([1n, 2n, -3n]))],
        [
          'x',
          fleetArray(
            'float32',
            [2, 1, 2, 3],
            Float32Array.from({ length: 12 }, (_, i) => i),
          ),
        ],
        ['empty', fleetArray('uint8', [0], new Uint8Array(0))],
        ['same', fleetArray('int64', [3], new BigInt64Array([1n, 2n, -3n]))],
      ]),
      metrics: metricRecord({ 'num-examples': 600n, loss: 0.25, big: (1n << 63n) + 5n, hist: [1, 2.5], counts: [3n, 4n] }),
      config: configRecord({ lr: 0.01, 'server-round': 2n, name: 'ñ', on: true, raw: new Uint8Array([1, 2]), tags: ['a', 'b'] }),
    });
    const msg: FleetMessage = { metadata, content };
    const d = deflateMessage(msg, 100);
    const back = inflateMessage(d.messageId, d.objects);
    expect(back.metadata).toEqual({ ...metadata, messageId: d.messageId });
    const arrays = back.content?.get('arrays');
    expect(arrays?.kind).toBe('array');
    if (arrays?.kind !== 'array') return;
    expect([...arrays.arrays.keys()]).toEqual(['10', '2', 'x', 'empty', 'same']);
    expect(arrays.arrays.get('x')?.shape).toEqual([2, 1, 2, 3]);
    expect([...(arrays.arrays.get('x')?.data ?? [])]).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(arrays.arrays.get('10')?.shape).toEqual([]);
    expect(arrays.arrays.get('empty')?.data.length).toBe(0);
    const metrics = back.content?.get('metrics');
    expect(metrics?.kind === 'metric' && [...metrics.values]).toEqual([
      ['num-examples', 600n],
      ['loss', 0.25],
      ['big', (1n << 63n) + 5n],
      ['hist', [1, 2.5]],
      ['counts', [3n, 4n]],
    ]);
    const config = back.content?.get('config');
    expect(config?.kind === 'config' && config.values.get('raw')).toEqual(new Uint8Array([1, 2]));
    expect(config?.kind === 'config' && config.values.get('name')).toBe('ñ');
    // Two equal arrays are one object: the ArrayRecord head lists 4 distinct children for 5 names.
    const recId = d.tree.children[0]?.children[0]?.objectId ?? '';
    expect(parseObject(d.objects.get(recId)!).childIds.length).toBe(4);
  });

  it('refuses tampered objects and missing children', () => {
    const d = deflateMessage({ metadata, content: recordDict({ m: metricRecord({ a: 1 }) }) });
    const objects = new Map(d.objects);
    const leaf = postOrderIds(d.tree)[0]!;
    const bad = new Uint8Array(objects.get(leaf)!);
    bad[bad.length - 1] ^= 1;
    objects.set(leaf, bad);
    expect(() => inflateMessage(d.messageId, objects)).toThrow(/does not hash to its id/);
    objects.delete(leaf);
    expect(() => inflateMessage(d.messageId, objects)).toThrow(/missing/);
  });

  it('encodes an error message without children', () => {
    const d = deflateMessage({ metadata, error: { code: 3, reason: 'out of memory' } });
    expect(d.tree.children).toEqual([]);
    const back = inflateMessage(d.messageId, d.objects);
    expect(back.error).toEqual({ code: 3, reason: 'out of memory' });
    expect(back.content).toBeUndefined();
  });
});
