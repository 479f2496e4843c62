/**
 * Our tasks as Flower messages: a train message and its reply survive the trip through Flower's
 * record dict (and its object encoding, deflate → inflate) unchanged, integer keys travel as
 * integers (Python `int`), and a reply for Flower's FedAvg has exactly one array record and one
 * metric record unless our server asked for the state.
 */
import { deflateMessage, inflateMessage, SUPERLINK_NODE_ID, type FleetMessage } from '@fedloge/fleet';
import { describe, expect, it } from 'vitest';
import { fromRecordDict, toRecordDict } from './fleet-records.js';
import {
  KEY,
  RECORD,
  evaluateReply,
  readEvaluateMessage,
  readTrainMessage,
  readTrainReply,
  trainMessage,
  trainReply,
  type MessageContent,
} from './task-messages.js';

const w = { shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-8, -7) };
const head = { shape: [3], data: Float32Array.of(0.25, 0.5, 0.75) };

/** Through the wire encoding and back, as a message between the server and a node. */
function roundTrip(content: MessageContent): MessageContent {
  const message: FleetMessage = {
    metadata: {
      runId: 5n,
      messageId: '',
      srcNodeId: SUPERLINK_NODE_ID,
      dstNodeId: 9n,
      replyToMessageId: '',
      groupId: '1',
      ttl: 60,
      messageType: 'train',
      createdAt: 1,
    },
    content: toRecordDict(content),
  };
  const deflated = deflateMessage(message);
  return fromRecordDict(inflateMessage(deflated.messageId, deflated.objects).content!);
}

describe('train messages', () => {
  it('carry payload, state, round and client id through the wire encoding', () => {
    const sent = trainMessage({ round: 3, clientId: 7, payload: { 'backbone.w': w }, state: { 'local.bias': head } }, 'run-1');
    const got = readTrainMessage(roundTrip(sent));
    expect(got).toEqual({
      round: 3,
      clientId: 7,
      payload: { 'backbone.w': w },
      state: { 'local.bias': head },
      returnState: true,
      runId: 'run-1',
      config: { [KEY.round]: 3, [KEY.clientId]: 7, [KEY.run]: 'run-1', [KEY.returnState]: true },
    });
  });

  it('send integers as integers (Flower reads server-round and num-examples as int)', () => {
    const dict = toRecordDict(trainMessage({ round: 2, clientId: 1, payload: {}, state: undefined }, 'r'));
    const config = dict.get(RECORD.config);
    expect(config?.kind === 'config' && config.values.get(KEY.round)).toBe(2n);
    const reply = toRecordDict(trainReply({ clientId: 1, arrays: {}, numSamples: 40, metrics: { loss: 0.5 }, seconds: 1 }, false));
    const metrics = reply.get(RECORD.metrics);
    expect(metrics?.kind === 'metric' && metrics.values.get(KEY.numExamples)).toBe(40n);
    expect(metrics?.kind === 'metric' && metrics.values.get('loss')).toBe(0.5);
  });

  it('replies hold one array and one metric record for Flower, and the state only when asked', () => {
    const result = {
      clientId: 4,
      arrays: { 'backbone.w': w },
      numSamples: 12,
      state: { 'local.bias': head },
      metrics: { loss: 1.25 },
      seconds: 0.5,
    };
    const forFlower = roundTrip(trainReply(result, false));
    expect(Object.keys(forFlower.arrays)).toEqual([RECORD.arrays]);
    expect(Object.keys(forFlower.metrics)).toEqual([RECORD.metrics]);
    expect(readTrainReply(roundTrip(trainReply(result, true)), 4)).toEqual(result);
  });

  it('refuse malformed messages with what is missing', () => {
    expect(() => readTrainMessage({ arrays: {}, metrics: {}, configs: {} })).toThrow(/array record named 'arrays'/);
    expect(() => readTrainMessage({ arrays: { arrays: {} }, metrics: {}, configs: { config: { [KEY.round]: 0 } } })).toThrow(
      /'server-round' as an integer >= 1/,
    );
    expect(() => readTrainReply({ arrays: { arrays: {} }, metrics: { metrics: {} }, configs: {} }, 3)).toThrow(
      /client 3's train reply must hold 'num-examples' > 0/,
    );
  });
});

describe('evaluate messages', () => {
  const result = {
    round: 2,
    clientId: 3,
    numExamples: 25,
    variant: 'stage1',
    masked: true,
    loss: 1.5,
    accuracy: { acc: 0.6, head: 0.75, middle: 0.5, tail: null },
    seconds: 0.25,
  };

  it('read the global arrays and the round of a Flower FedAvg evaluate message', () => {
    const sent: MessageContent = { arrays: { arrays: { 'backbone.w': w } }, metrics: {}, configs: { config: { [KEY.round]: 2 } } };
    expect(readEvaluateMessage(roundTrip(sent))).toEqual({ round: 2, global: { 'backbone.w': w }, clientId: undefined, runId: undefined });
  });

  it('reply with one metric record and no array record, num-examples an integer, empty groups left out', () => {
    const dict = toRecordDict(evaluateReply(result));
    expect([...dict].filter(([, r]) => r.kind === 'array')).toEqual([]);
    expect([...dict].filter(([, r]) => r.kind === 'metric').map(([n]) => n)).toEqual([RECORD.metrics]);
    const metrics = dict.get(RECORD.metrics);
    expect(metrics?.kind === 'metric' && Object.fromEntries(metrics.values)).toEqual({
      eval_loss: 1.5,
      eval_acc: 0.6,
      'num-examples': 25n,
    });
    const back = roundTrip(evaluateReply(result));
    expect(back.configs[RECORD.reply]).toEqual({
      [KEY.clientId]: 3,
      [KEY.evalSeconds]: 0.25,
      [KEY.pmVariant]: 'stage1',
      [KEY.pmMasked]: true,
      eval_acc_head: 0.75,
      eval_acc_middle: 0.5,
    });
  });

  it('refuse a client without local test data rather than report a made-up PM', () => {
    expect(() =>
      evaluateReply({ ...result, numExamples: 0, loss: null, accuracy: { acc: null, head: null, middle: null, tail: null } }),
    ).toThrow(/client 3 has no local test data/);
  });
});
