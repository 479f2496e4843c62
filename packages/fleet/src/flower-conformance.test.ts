import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PYTHON, pythonMissing } from './__fixtures__/python.js';
import { FleetClient } from './client/fleet-client.js';
import { createReply, type FleetMessage } from './message.js';
import { type FleetArray, fleetArray } from './records/fleet-array.js';
import { arrayRecord, metricRecord, recordDict } from './records/record-dict.js';

// Byte-level conformance with Flower's Fleet API object encoding (Flower itself is run by test/flower/): our
// FleetClient against test-peer/superlink_peer.py, an independent SuperLink written from Flower's published
// protocol with Debian's grpcio/protobuf/numpy/cryptography. The peer encodes the instruction with numpy and
// hashlib, verifies every call's signature, and checks each object our client pushes against its own bytes.

const PEER = fileURLToPath(new URL('../test-peer/superlink_peer.py', import.meta.url));
const missing = pythonMissing(['grpc', 'google.protobuf', 'numpy', 'cryptography']);

interface PeerResult {
  ok: boolean;
  checks: { check: string; ok: boolean; detail: string }[];
}

function startPeer(): { port: Promise<number>; result: Promise<PeerResult> } {
  const child = spawn(PYTHON, [PEER, '90'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  let resolvePort: (p: number) => void = () => undefined;
  let resolveResult: (r: PeerResult) => void = () => undefined;
  const port = new Promise<number>((r) => (resolvePort = r));
  const result = new Promise<PeerResult>((resolve, reject) => {
    resolveResult = resolve;
    child.on('exit', (code) => setTimeout(() => reject(new Error(`peer exited (${code}) without a result: ${stderr}`)), 100));
  });
  lines.on('line', (line) => {
    if (line.startsWith('PORT ')) resolvePort(Number(line.slice(5)));
    if (line.startsWith('RESULT ')) resolveResult(JSON.parse(line.slice(7)) as PeerResult);
  });
  return { port, result };
}

function arrayOf(msg: FleetMessage, name: string): FleetArray {
  const rec = msg.content?.get('arrays');
  const a = rec?.kind === 'array' ? rec.arrays.get(name) : undefined;
  if (!a) throw new Error(`instruction lacks array '${name}'`);
  return a;
}

describe.skipIf(missing !== undefined)(
  `Fleet API object encoding, byte for byte (Python SuperLink peer)${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('pulls a numpy-encoded instruction and pushes a reply whose objects match the peer byte for byte', async () => {
      const peer = startPeer();
      const port = await peer.port;
      const client = new FleetClient({ address: `127.0.0.1:${port}`, callTimeoutMs: 20_000 });
      try {
        await client.connect();
        let msg: FleetMessage | undefined;
        for (let i = 0; i < 100 && !msg; i++) msg = await client.pullMessage();
        if (!msg) throw new Error('no instruction from the peer');

        expect(msg.metadata.messageType).toBe('train');
        const run = await client.getRun(msg.metadata.runId);
        expect(Object.fromEntries(run.config)).toEqual({ 'num-server-rounds': 3n, lr: 0.05, strategy: 'fedavg' }); // a proto map: no order
        const config = msg.content?.get('config');
        expect(config?.kind === 'config' && [...config.values]).toEqual([
          ['server-round', 1n],
          ['lr', 0.1],
          ['name', 'ñandú'],
        ]);

        // Decode what numpy wrote, checked against values recomputed here.
        const w = arrayOf(msg, 'głowa.wagi');
        expect(w.dtype).toBe('float32');
        expect(w.shape).toEqual([2, 3, 4, 5]);
        expect([...w.data]).toEqual(Array.from({ length: 120 }, (_, i) => i * 0.5 - 7));
        const s = arrayOf(msg, '重み');
        expect([s.dtype, s.shape, s.data[0]]).toEqual(['float64', [], Math.PI]);
        expect([...arrayOf(msg, '🙂.bias').data]).toEqual(Array.from({ length: 7 }, (_, i) => BigInt(i * -3)));
        const bytes = arrayOf(msg, 'bytes');
        expect(bytes.data.length).toBe(1234567);
        expect(bytes.data[1000]).toBe(1000 % 251);
        expect(arrayOf(msg, 'zeros').shape).toEqual([4, 1024, 1024]);
        expect(arrayOf(msg, 'empty').shape).toEqual([0]);

        // Reply: the first array doubled, the rest echoed (so the peer can ask for only the new objects).
        const arrays = msg.content?.get('arrays');
        if (arrays?.kind !== 'array') throw new Error('no arrays');
        const echoed = new Map(arrays.arrays);
        echoed.set(
          'głowa.wagi',
          fleetArray(
            'float32',
            w.shape,
            (w.data as Float32Array).map((v) => v * 2),
          ),
        );
        const reply = createReply(msg, {
          content: recordDict({
            arrays: arrayRecord(echoed),
            metrics: metricRecord({ 'num-examples': 600n, loss: 0.5, big: (1n << 63n) + 5n }),
          }),
        });
        const report = await client.pushReply(reply);
        expect(report.objectsSkipped).toBeGreaterThan(0);
      } finally {
        await client.close({ unregister: true });
      }
      const result = await peer.result;
      const failed = result.checks.filter((c) => !c.ok);
      expect(failed).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.checks.length).toBeGreaterThan(20);
    });
  },
);
