/**
 * The network executor's fault rules over an in-memory link (fake clients answer at once, late,
 * twice, with an error or not at all): round deadline, minClients, retries, refusal of late and
 * duplicate replies, offline nodes, results in task order.
 */
import type { ClientTask, Logger } from '@fedloge/core';
import { describe, expect, it } from 'vitest';
import { ClientDirectory } from './client-directory.js';
import { MemoryLink, type Sent } from './__fixtures__/memory-link.js';
import { NetworkExecutor, RoundFailedError } from './network-executor.js';
import { helloReply, readTrainMessage, trainReply, type MessageContent, type MessageType } from './task-messages.js';

const warnings: string[] = [];
const logger: Logger = { info: () => {}, warn: (m) => void warnings.push(m), debug: () => {} };

/** A fake client: its update is [clientId, round], weight 10 + clientId. */
function fakeClient(clientId: number) {
  return async (type: MessageType, content: MessageContent): Promise<MessageContent> => {
    if (type === 'query') return helloReply(clientId);
    const { round } = readTrainMessage(content);
    return trainReply(
      {
        clientId,
        round,
        arrays: { w: { shape: [2], data: Float32Array.of(clientId, round) } },
        numSamples: 10 + clientId,
        seconds: 0.01,
      } as never,
      true,
    );
  };
}

function setUp(clients: number, { timeout = 0.3, minClients = clients, retries = 0 } = {}) {
  const link = new MemoryLink();
  const directory = new ClientDirectory(link, { runId: 'r', spec: {} as never, backend: 'cpu' }, logger);
  const executor = new NetworkExecutor({ link, directory, runId: 'r', roundTimeoutSeconds: timeout, minClients, retries, logger });
  for (let k = 0; k < clients; k++) link.connect(`n${k}`, fakeClient(k));
  return { link, executor };
}

const tasks = (round: number, ids: number[]): ClientTask[] => ids.map((clientId) => ({ round, clientId, payload: {}, state: undefined }));
const trainsTo = (link: MemoryLink, clientId: number) => link.sent.filter((s) => s.type === 'train' && s.nodeId === `n${clientId}`);

describe('NetworkExecutor', () => {
  it('returns every reply in task order, whatever order they arrive in', async () => {
    const { link, executor } = setUp(3);
    const held: (() => void)[] = [];
    link.hold = (sent, deliver) => (sent.type === 'train' ? held.push(deliver) : deliver());
    const run = executor.run(tasks(1, [2, 0, 1]));
    await new Promise((r) => setTimeout(r, 20));
    held.reverse().forEach((d) => d());
    const results = await run;
    expect(results.map((r) => r.clientId)).toEqual([2, 0, 1]);
    expect(results.map((r) => r.numSamples)).toEqual([12, 10, 11]);
    expect([...results[0]!.arrays['w']!.data]).toEqual([2, 1]);
  });

  it('closes a round at the deadline with the replies received when at least minClients replied; the late reply is refused', async () => {
    const { link, executor } = setUp(3, { minClients: 2 });
    let late: (() => void) | undefined;
    link.hold = (sent, deliver) => (sent.type === 'train' && sent.nodeId === 'n1' && late === undefined ? (late = deliver) : deliver());
    const started = Date.now();
    const results = await executor.run(tasks(1, [0, 1, 2]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(results.map((r) => r.clientId)).toEqual([0, 2]);
    late!();
    expect(link.refused).toEqual([trainsTo(link, 1)[0]!.messageId]);
    // The next round is unaffected and client 1 takes part again.
    expect((await executor.run(tasks(2, [1, 2]))).map((r) => r.clientId)).toEqual([1, 2]);
  });

  it('sends the missing tasks again when fewer than minClients replied, then stops with a clear error', async () => {
    const { link, executor } = setUp(2, { minClients: 2, retries: 1 });
    link.hold = (sent, deliver) => (sent.type === 'train' && sent.nodeId === 'n1' ? undefined : deliver());
    const error = await executor.run(tasks(4, [0, 1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoundFailedError);
    expect((error as Error).message).toMatch(
      /Round 4: only 1 of 2 sampled clients replied after 2 attempt\(s\).*client 1 \(no reply within 0.3 s\)/,
    );
    expect(trainsTo(link, 0)).toHaveLength(1); // its reply was kept, not asked again
    expect(trainsTo(link, 1)).toHaveLength(2);
  });

  it('a retried task that answers the second time completes the round', async () => {
    const { link, executor } = setUp(2, { minClients: 2, retries: 1 });
    let first = true;
    link.hold = (sent: Sent, deliver) => {
      if (sent.type === 'train' && sent.nodeId === 'n1' && first) first = false;
      else deliver();
    };
    expect((await executor.run(tasks(1, [0, 1]))).map((r) => r.clientId)).toEqual([0, 1]);
  });

  it('accepts a reply once: a duplicate is refused and nothing is aggregated twice', async () => {
    const { link, executor } = setUp(2);
    let again: (() => void) | undefined;
    link.hold = (sent, deliver) => {
      deliver();
      if (sent.type === 'train' && sent.nodeId === 'n0') again = deliver;
    };
    const before = warnings.length;
    const results = await executor.run(tasks(1, [0, 1]));
    again!();
    expect(results).toHaveLength(2);
    expect(warnings.slice(before).some((w) => /refused a late or unknown reply/.test(w))).toBe(true);
  });

  it('a node that goes offline fails its task at once, without waiting for the deadline', async () => {
    const { link, executor } = setUp(3, { timeout: 30, minClients: 2 });
    link.hold = (sent, deliver) =>
      sent.type === 'train' && sent.nodeId === 'n2' ? setTimeout(() => link.disconnect('n2'), 10) : deliver();
    const started = Date.now();
    const results = await executor.run(tasks(1, [0, 1, 2]));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(results.map((r) => r.clientId)).toEqual([0, 1]);
    expect(link.cancelled.has(trainsTo(link, 2)[0]!.messageId)).toBe(true);
  });

  it('an error reply counts as a failed client', async () => {
    const { link, executor } = setUp(2, { minClients: 1 });
    link.hold = (sent, deliver) =>
      sent.type === 'train' && sent.nodeId === 'n1' ? link.deliver(sent.messageId, { error: 'out of memory' }) : deliver();
    const results = await executor.run(tasks(1, [0, 1]));
    expect(results.map((r) => r.clientId)).toEqual([0]);
    expect(warnings.some((w) => /client 1 failed: out of memory/.test(w))).toBe(true);
  });
});
