import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { rawCall } from './__fixtures__/raw-call.js';
import { signedCallMetadata } from './auth/call-auth.js';
import { generateNodeKey, signBytes } from './auth/node-key.js';
import { FleetCallError, FleetClient, type FleetClientOptions } from './client/fleet-client.js';
import { createReply, type FleetMessage } from './message.js';
import { deflateMessage } from './objects/deflate.js';
import { fleetArray } from './records/fleet-array.js';
import { arrayRecord, metricRecord, recordDict } from './records/record-dict.js';
import { FleetServer, type FleetServerOptions, ReplyTimeoutError } from './server/fleet-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startServer(extra: Partial<FleetServerOptions> = {}): Promise<FleetServer> {
  const server = await FleetServer.start({
    address: '127.0.0.1:0',
    run: { runId: 42n, config: { lr: 0.05, rounds: 3n, name: 'fedloge' } },
    ...extra,
  });
  cleanups.push(() => server.stop(100));
  return server;
}

async function connectClient(server: FleetServer, extra: Partial<FleetClientOptions> = {}): Promise<FleetClient> {
  const client = new FleetClient({ address: `127.0.0.1:${server.port}`, callTimeoutMs: 10_000, retry: { maxElapsedMs: 3_000 }, ...extra });
  cleanups.push(() => client.close());
  await client.connect();
  return client;
}

const pull = (client: FleetClient): Promise<FleetMessage> => client.nextMessage({ pollIntervalMs: 10, timeoutMs: 5_000 });

/** Byte equality (vitest's deep toEqual on multi-million-element typed arrays takes minutes). */
const sameBytes = (a: ArrayBufferView | undefined, b: ArrayBufferView): boolean =>
  a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 1000) * 0.001 - 0.5);

describe('FleetClient <-> FleetServer over loopback', () => {
  it('registers, serves the run config, and round-trips a 12 MB array in 5 MiB chunks', async () => {
    const server = await startServer();
    const client = await connectClient(server);
    expect(server.onlineNodeIds()).toEqual([client.nodeId]);

    const run = await client.getRun(42n);
    expect([...run.config]).toEqual([
      ['lr', 0.05],
      ['rounds', 3n],
      ['name', 'fedloge'],
    ]);

    const weights = fleetArray('float32', [3, 1000, 1000], ramp(3_000_000)); // 12 MB
    const id = server.send(client.nodeId, {
      messageType: 'train',
      groupId: '1',
      content: recordDict({ arrays: arrayRecord({ 'conv.w': weights }) }),
    });
    const got = await pull(client);
    expect(got.metadata.messageId).toBe(id);
    const arr = got.content?.get('arrays');
    expect(arr?.kind === 'array' && sameBytes(arr.arrays.get('conv.w')?.data, weights.data)).toBe(true);
    expect(server.storedBytes).toBe(0); // confirmed: the link dropped the instruction's objects

    const updated = fleetArray(
      'float32',
      [3, 1000, 1000],
      (weights.data as Float32Array).map((v) => v * 2),
    );
    const reply = createReply(got, {
      content: recordDict({ arrays: arrayRecord({ 'conv.w': updated }), metrics: metricRecord({ 'num-examples': 600n }) }),
    });
    const replyPromise = server.awaitReply(id, 10_000);
    const report = await client.pushReply(reply);
    // 12 000 128 .npy bytes -> 3 chunks, + Array, ArrayRecord, MetricRecord, RecordDict, Message.
    expect(report.objectsPushed).toBe(3 + 5);
    const answer = await replyPromise;
    expect(answer.metadata.replyToMessageId).toBe(id);
    const back = answer.content?.get('arrays');
    expect(back?.kind === 'array' && sameBytes(back.arrays.get('conv.w')?.data, updated.data)).toBe(true);
    const metrics = answer.content?.get('metrics');
    expect(metrics?.kind === 'metric' && metrics.values.get('num-examples')).toBe(600n);
  });

  it('sends identical chunks once and resumes an interrupted upload with only the missing objects', async () => {
    const server = await startServer();
    const client = await connectClient(server);
    const id = server.send(client.nodeId, { messageType: 'train', content: recordDict({ m: metricRecord({ a: 1 }) }) });
    const got = await pull(client);
    // 16 MB of zeros: 4 chunks (header + zeros, zeros, zeros, a short tail) -> 3 distinct chunk objects.
    const zeros = fleetArray('float32', [4_000_000], new Float32Array(4_000_000));
    const reply = createReply(got, { content: recordDict({ arrays: arrayRecord({ a: zeros, b: zeros }) }) });
    const deflated = deflateMessage(reply);

    // Interrupted upload: announce the reply, push only the first two objects, then "crash".
    const md = () => signedCallMetadata(client.key);
    const announce = await rawCall(
      `127.0.0.1:${server.port}`,
      'pushMessages',
      {
        node: { nodeId: client.nodeId },
        messagesList: [{ metadata: { ...reply.metadata, messageId: deflated.messageId }, content: {} }],
        messageObjectTrees: [toTreeInit(deflated.tree)],
      },
      md(),
    );
    const ids = [...deflated.objects.keys()];
    expect(new Set(announce.objectsToPush)).toEqual(new Set(ids));
    expect(ids.length).toBe(3 + 1 + 1 + 1 + 1); // 3 distinct chunks, one Array for both names, record, dict, message
    for (const objectId of ids.slice(0, 2)) {
      const r = await rawCall(
        `127.0.0.1:${server.port}`,
        'pushObject',
        { node: { nodeId: client.nodeId }, runId: 42n, objectId, objectContent: deflated.objects.get(objectId)! },
        md(),
      );
      expect(r.stored).toBe(true);
    }

    const report = await client.pushReply(reply);
    expect(report).toMatchObject({ messageId: deflated.messageId, objectsPushed: ids.length - 2, objectsSkipped: 2 });
    const answer = await server.awaitReply(id, 5_000);
    const rec = answer.content?.get('arrays');
    expect(rec?.kind === 'array' && rec.arrays.get('b')?.data.length).toBe(4_000_000);
  });

  it('stores a model sent to several nodes once and frees it after the last confirmation', async () => {
    const server = await startServer();
    const a = await connectClient(server);
    const b = await connectClient(server);
    const content = recordDict({ arrays: arrayRecord({ w: fleetArray('float32', [1_000_000], ramp(1_000_000)) }) });
    server.send(a.nodeId, { messageType: 'train', content });
    const afterOne = server.storedBytes;
    server.send(b.nodeId, { messageType: 'train', content });
    expect(afterOne).toBeGreaterThan(4_000_000);
    expect(server.storedBytes - afterOne).toBeLessThan(1_000); // only b's Message object is new
    const [ma, mb] = await Promise.all([pull(a), pull(b)]);
    const wa = ma.content?.get('arrays');
    const wb = mb.content?.get('arrays');
    expect(wa?.kind === 'array' && wb?.kind === 'array' && sameBytes(wa.arrays.get('w')?.data, wb.arrays.get('w')!.data)).toBe(true);
    expect(server.storedBytes).toBe(0);
  });

  it('delivers an instruction again until the node confirms it (a download interrupted by a crash)', async () => {
    const server = await startServer();
    const client = await connectClient(server);
    const id = server.send(client.nodeId, { messageType: 'train', content: recordDict({ m: metricRecord({ a: 1 }) }) });
    // The node pulls the message, then dies before fetching its objects and confirming.
    const first = await rawCall(
      `127.0.0.1:${server.port}`,
      'pullMessages',
      { node: { nodeId: client.nodeId } },
      signedCallMetadata(client.key),
    );
    expect(first.messagesList[0]?.metadata?.messageId).toBe(id);
    const again = await pull(client);
    expect(again.metadata.messageId).toBe(id);
    expect(await client.pullMessage()).toBeUndefined(); // confirmed: not delivered a third time
  });

  it('refuses late, duplicate and misaddressed replies; the next round is unaffected', async () => {
    const server = await startServer();
    const a = await connectClient(server);
    const b = await connectClient(server);
    const refused: string[] = [];
    server.on('reply-refused', (r) => refused.push(r.reason));

    const late = server.send(a.nodeId, { messageType: 'train', content: recordDict({ m: metricRecord({ x: 1 }) }) });
    const lateMsg = await pull(a);
    await expect(server.awaitReply(late, 50)).rejects.toBeInstanceOf(ReplyTimeoutError);
    const err = await a.pushReply(createReply(lateMsg, { content: recordDict() })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetCallError);
    expect((err as FleetCallError).code).toBe(status.FAILED_PRECONDITION);
    expect((err as FleetCallError).details).toMatch(/reply deadline/);

    const next = server.send(a.nodeId, { messageType: 'train', content: recordDict({ m: metricRecord({ x: 2 }) }) });
    const nextMsg = await pull(a);
    const reply = createReply(nextMsg, { content: recordDict({ m: metricRecord({ y: 3n }) }) });
    const waiting = server.awaitReply(next, 5_000);
    await a.pushReply(reply);
    expect((await waiting).metadata.replyToMessageId).toBe(next);
    const dup = await a.pushReply(reply).catch((e: unknown) => e);
    expect((dup as FleetCallError).code).toBe(status.FAILED_PRECONDITION);

    // Node b answers a message that was sent to a.
    const forA = server.send(a.nodeId, { messageType: 'evaluate', content: recordDict() });
    const msgA = await pull(a);
    const forged = createReply({ ...msgA, metadata: { ...msgA.metadata, dstNodeId: b.nodeId } }, { content: recordDict() });
    const mis = await b.pushReply(forged).catch((e: unknown) => e);
    expect((mis as FleetCallError).code).toBe(status.FAILED_PRECONDITION);
    expect((mis as FleetCallError).details).toMatch(/was sent to node/);
    server.abandon(forA);
    expect(refused.length).toBe(3);
  });

  it('serves its FAB by the hash Flower computes (hex SHA-256), and NOT_FOUND for any other hash', async () => {
    const fab = new TextEncoder().encode('PK\u0003\u0004 a FAB is a zip; its bytes are what is hashed');
    const server = await startServer({ run: { runId: 42n, fab } });
    const client = await connectClient(server);
    const run = await client.getRun(42n);
    expect(run.fabHash).toBe(createHash('sha256').update(fab).digest('hex'));
    expect(Buffer.from(await client.getFab(run.fabHash, 42n)).equals(Buffer.from(fab))).toBe(true);
    await expect(client.getFab('0'.repeat(64), 42n)).rejects.toMatchObject({ code: status.NOT_FOUND });
    const bare = await startServer();
    const other = await connectClient(bare);
    expect((await other.getRun(42n)).fabHash).toBe('');
    await expect(other.getFab('', 42n)).rejects.toMatchObject({ code: status.NOT_FOUND, details: expect.stringMatching(/--fab/) });
  });

  it("sends and expects Flower's envelope: an empty-content marker or an error, never neither", async () => {
    const server = await startServer();
    const client = await connectClient(server);
    const refused: string[] = [];
    server.on('reply-refused', (r) => refused.push(r.reason));
    const id = server.send(client.nodeId, { messageType: 'train', content: recordDict({ m: metricRecord({ x: 1 }) }) });
    const raw = await rawCall(
      `127.0.0.1:${server.port}`,
      'pullMessages',
      { node: { nodeId: client.nodeId } },
      signedCallMetadata(client.key),
    );
    const wire = raw.messagesList[0]!;
    expect(wire.content).toBeDefined(); // what Flower's message_from_proto needs
    expect(wire.content?.items ?? []).toEqual([]);
    expect(wire.error).toBeUndefined();
    const msg = await pull(client);

    // A reply envelope with neither content nor error is what Flower's SuperLink answers with UNKNOWN.
    const reply = createReply(msg, { content: recordDict() });
    const deflated = deflateMessage(reply);
    const bare = await rawCall(
      `127.0.0.1:${server.port}`,
      'pushMessages',
      {
        node: { nodeId: client.nodeId },
        messagesList: [{ metadata: { ...reply.metadata, messageId: deflated.messageId } }],
        messageObjectTrees: [toTreeInit(deflated.tree)],
      },
      signedCallMetadata(client.key),
    ).catch((e: unknown) => e);
    expect(bare).toMatchObject({ code: status.UNKNOWN, details: expect.stringMatching(/Invalid arguments for Message/) });

    // A reply that would outlive its instruction is refused with Flower's reason.
    const greedy = { ...reply, metadata: { ...reply.metadata, ttl: reply.metadata.ttl + 60 } };
    await expect(client.pushReply(greedy)).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
    expect(refused.at(-1)).toMatch(/exceeds the allowed maximum/);

    // An error reply travels as Error{code, reason} with no content and arrives as an error.
    const waiting = server.awaitReply(id, 5_000);
    await client.pushReply(createReply(msg, { error: { code: 3, reason: 'unsupported message type' } }));
    expect((await waiting).error).toEqual({ code: 3, reason: 'unsupported message type' });
  });

  it('answers bad signatures, stale timestamps and keys outside the allow-list with UNAUTHENTICATED', async () => {
    const allowed = generateNodeKey();
    const server = await startServer({ allowedNodeKeys: [allowed.publicKeyPem] });
    const address = `127.0.0.1:${server.port}`;
    await connectClient(server, { key: allowed });

    const stale = signedCallMetadata(allowed, Date.now() - 306_000);
    await expect(rawCall(address, 'registerNode', { publicKey: allowed.publicKeyPem }, stale)).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    const ahead = signedCallMetadata(allowed, Date.now() + 6_000);
    await expect(rawCall(address, 'registerNode', { publicKey: allowed.publicKeyPem }, ahead)).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    const okOld = signedCallMetadata(allowed, Date.now() - 290_000);
    await expect(rawCall(address, 'registerNode', { publicKey: allowed.publicKeyPem }, okOld)).resolves.toBeDefined();

    const forged = signedCallMetadata(allowed);
    const other = generateNodeKey();
    forged.set('flwr-signature-bin', Buffer.from(signBytes(other, Buffer.from(String(forged.get('flwr-timestamp')[0]), 'ascii'))));
    await expect(rawCall(address, 'registerNode', { publicKey: allowed.publicKeyPem }, forged)).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
      details: 'Invalid signature',
    });

    const stranger = new FleetClient({ address, key: other, retry: { maxElapsedMs: 500 } });
    cleanups.push(() => stranger.close());
    await expect(stranger.connect()).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  });

  it('marks a node offline after two missed heartbeat intervals', async () => {
    const server = await startServer({ sweepIntervalMs: 50 });
    const key = generateNodeKey();
    const address = `127.0.0.1:${server.port}`;
    await rawCall(address, 'registerNode', { publicKey: key.publicKeyPem }, signedCallMetadata(key));
    const offline = new Promise<number>((resolve) => server.once('node-offline', () => resolve(Date.now())));
    const t0 = Date.now();
    const { nodeId } = await rawCall(
      address,
      'activateNode',
      { publicKey: key.publicKeyPem, heartbeatInterval: 0.3 },
      signedCallMetadata(key),
    );
    expect(server.node(nodeId)?.online).toBe(true);
    const elapsed = (await offline) - t0;
    expect(elapsed).toBeGreaterThanOrEqual(600 - 5);
    expect(elapsed).toBeLessThan(600 + 1_000);

    // A client that keeps beating stays online across several intervals.
    const alive = await connectClient(server, { heartbeatIntervalS: 0.3 });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(server.node(alive.nodeId)?.online).toBe(true);
  });

  it('reconnects with backoff when the link comes up late, and re-registers after a link restart', async () => {
    const probe = await FleetServer.start({ address: '127.0.0.1:0', run: { runId: 1n } });
    const port = probe.port;
    await probe.stop(0);
    const retries: number[] = [];
    const client = new FleetClient({
      address: `127.0.0.1:${port}`,
      retry: { initialDelayMs: 50, maxElapsedMs: 10_000 },
      onEvent: (e) => e.type === 'retry' && retries.push(e.delayMs),
    });
    cleanups.push(() => client.close());
    const connecting = client.connect();
    await new Promise((r) => setTimeout(r, 400));
    let server = await FleetServer.start({ address: `127.0.0.1:${port}`, run: { runId: 1n } });
    await connecting;
    expect(retries.length).toBeGreaterThan(0);
    const first = client.nodeId;
    await server.stop(0);

    server = await FleetServer.start({ address: `127.0.0.1:${port}`, run: { runId: 1n } });
    const s = server;
    cleanups.push(() => s.stop(0));
    expect(await client.pullMessage()).toBeUndefined(); // NOT_FOUND "unknown node" -> register again
    expect(client.nodeId).not.toBe(first);
    expect(server.onlineNodeIds()).toEqual([client.nodeId]);
  });
});

type TreeInit = { objectId: string; children: TreeInit[] };
function toTreeInit(t: { objectId: string; children: readonly { objectId: string; children: readonly unknown[] }[] }): TreeInit {
  return { objectId: t.objectId, children: t.children.map((c) => toTreeInit(c as never)) };
}
