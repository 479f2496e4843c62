/**
 * Our client tasks as Flower messages, and back. A message's content is a record dict (Flower's
 * `RecordDict`): named array records, metric records and config records. The names follow what
 * Flower's own strategies send and expect, so a Python ServerApp running Flower's FedAvg can
 * drive our clients and our server can drive clients that answer like Flower's:
 *
 * train (server → client)
 *   "arrays"  ArrayRecord   the payload (`Strategy.payloadFor`, else the global arrays), named by
 *                           our state keys (`backbone.conv1.weight`, `head.weight`, …)
 *   "config"  ConfigRecord  "server-round": round, "partition-id": client id; from our server also
 *                           "fedloge.run" (the run id) and "fedloge.return-state": true
 *   "fedloge.state" ArrayRecord  the client's persistent state (our server only, when it has one)
 * train reply
 *   "arrays"  ArrayRecord   the update's arrays
 *   "metrics" MetricRecord  "num-examples" (n_k, the aggregation weight) and the strategy's metrics
 *   "fedloge.reply" ConfigRecord  "partition-id", "train-seconds"
 *   "fedloge.state" ArrayRecord  the new state, only when the message asked for it
 * Flower's FedAvg checks that a reply has exactly one array record and one metric record, so the
 * state travels back only to our server, which asks for it.
 *
 * evaluate (server → client; Flower's FedAvg `configure_evaluate`, our server sends none)
 *   "arrays"  ArrayRecord   the global arrays
 *   "config"  ConfigRecord  "server-round": round, and the strategy's evaluate config
 * evaluate reply: the client's PM on its local test set (the model the server-side evaluator
 * scores for that client)
 *   "metrics" MetricRecord  "eval_loss", "eval_acc" (the names of Flower's template ClientApps,
 *                           client.pytorch_msg_api.py.tpl) and "num-examples" (the local test size,
 *                           the weight of Flower's `aggregate_evaluate`)
 *   "fedloge.reply" ConfigRecord  "partition-id", "eval-seconds", "pm-variant", "pm-masked" and
 *                           the group accuracies "eval_acc_head" / "_middle" / "_tail" where the
 *                           group has test data. They are not in "metrics": Flower averages only
 *                           replies whose metric records have the same keys, and a group may be
 *                           empty on one client and not on another.
 *
 * query "hello" (our server → client, once per node): "config" with "fedloge.kind": "hello",
 * "fedloge.run", "fedloge.spec" (the ClientRuntimeSpec as JSON) and "fedloge.backend"; the reply's
 * "metrics" carries "partition-id", which is how the server learns which node hosts which client.
 */
import type { ArrayRecord, BackendChoice, ClientEvalResult, ClientRuntimeSpec, ClientTask, ClientTaskResult } from '@fedloge/core';

export type ConfigValue = string | number | boolean;

/** A message's record dict, split by record type (Flower keeps one name space; so do we: names never repeat). */
export interface MessageContent {
  readonly arrays: Readonly<Record<string, ArrayRecord>>;
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly configs: Readonly<Record<string, Readonly<Record<string, ConfigValue>>>>;
}

/** Flower's message types we send or answer. */
export type MessageType = 'train' | 'evaluate' | 'query';

/** The message types a fedloge client answers; any other (e.g. "system", SecAgg+ stages) gets an Error reply. */
export const SERVED_MESSAGE_TYPES: readonly MessageType[] = ['train', 'evaluate', 'query'];

/** Record names (Flower's defaults first). */
export const RECORD = {
  arrays: 'arrays',
  config: 'config',
  metrics: 'metrics',
  state: 'fedloge.state',
  reply: 'fedloge.reply',
} as const;

/** Config and metric keys. */
export const KEY = {
  round: 'server-round',
  clientId: 'partition-id',
  numExamples: 'num-examples',
  run: 'fedloge.run',
  returnState: 'fedloge.return-state',
  kind: 'fedloge.kind',
  spec: 'fedloge.spec',
  backend: 'fedloge.backend',
  trainSeconds: 'train-seconds',
  evalSeconds: 'eval-seconds',
  // Flower's template ClientApps report their evaluation under these names.
  evalLoss: 'eval_loss',
  evalAcc: 'eval_acc',
  pmVariant: 'pm-variant',
  pmMasked: 'pm-masked',
} as const;

/** A malformed message or reply: says which record or key was wrong. */
export class MessageFormatError extends Error {
  override readonly name = 'MessageFormatError';
}

/** The train message for `task`, as our server sends it. */
export function trainMessage(task: ClientTask, runId: string): MessageContent {
  return {
    arrays: { [RECORD.arrays]: task.payload, ...(task.state ? { [RECORD.state]: task.state } : {}) },
    metrics: {},
    configs: { [RECORD.config]: { [KEY.round]: task.round, [KEY.clientId]: task.clientId, [KEY.run]: runId, [KEY.returnState]: true } },
  };
}

/** What a client reads from a train message (ours or a Flower ServerApp's). */
export interface TrainRequest {
  readonly round: number;
  readonly payload: ArrayRecord;
  /** The state our server holds for the client; undefined from Flower servers or before the first update. */
  readonly state: ArrayRecord | undefined;
  /** The client id the message names, if it names one. */
  readonly clientId: number | undefined;
  /** Whether the reply must carry the new state (our server). */
  readonly returnState: boolean;
  readonly runId: string | undefined;
  /** The whole "config" record (a Flower ServerApp's train config: "lr", "proximal-mu", …). */
  readonly config: Readonly<Record<string, ConfigValue>>;
}

export function readTrainMessage(content: MessageContent): TrainRequest {
  const payload = content.arrays[RECORD.arrays];
  if (!payload) {
    throw new MessageFormatError(
      `a train message must carry the model in an array record named '${RECORD.arrays}' (found: ${names(content.arrays)})`,
    );
  }
  const config = content.configs[RECORD.config] ?? {};
  const clientId = config[KEY.clientId];
  const runId = config[KEY.run];
  return {
    round: readRound(config, 'train'),
    payload,
    state: content.arrays[RECORD.state],
    clientId: typeof clientId === 'number' ? clientId : undefined,
    returnState: config[KEY.returnState] === true,
    runId: typeof runId === 'string' ? runId : undefined,
    config,
  };
}

function readRound(config: Readonly<Record<string, ConfigValue>>, type: MessageType): number {
  const round = config[KEY.round];
  if (typeof round !== 'number' || !Number.isInteger(round) || round < 1) {
    throw new MessageFormatError(
      `a ${type} message's '${RECORD.config}' record must hold '${KEY.round}' as an integer >= 1 (got ${String(round)})`,
    );
  }
  return round;
}

/** What a client reads from an evaluate message (a Flower ServerApp's `configure_evaluate`). */
export interface EvaluateRequest {
  readonly round: number;
  /** The global arrays to evaluate. */
  readonly global: ArrayRecord;
  readonly clientId: number | undefined;
  readonly runId: string | undefined;
}

export function readEvaluateMessage(content: MessageContent): EvaluateRequest {
  const global = content.arrays[RECORD.arrays];
  if (!global) {
    throw new MessageFormatError(
      `an evaluate message must carry the model to evaluate in an array record named '${RECORD.arrays}' (found: ${names(content.arrays)})`,
    );
  }
  const config = content.configs[RECORD.config] ?? {};
  const clientId = config[KEY.clientId];
  const runId = config[KEY.run];
  return {
    round: readRound(config, 'evaluate'),
    global,
    clientId: typeof clientId === 'number' ? clientId : undefined,
    runId: typeof runId === 'string' ? runId : undefined,
  };
}

/**
 * The reply to an evaluate message: exactly one metric record, as Flower's FedAvg
 * `aggregate_evaluate` requires (`validate_message_reply_consistency`, weighted by "num-examples").
 */
export function evaluateReply(result: ClientEvalResult): MessageContent {
  if (result.numExamples === 0 || result.loss === null || result.accuracy.acc === null) {
    throw new Error(
      `client ${result.clientId} has no local test data, so it has no PM to report (the server-side PM leaves such a client out too)`,
    );
  }
  const groups: Record<string, number> = {};
  for (const group of ['head', 'middle', 'tail'] as const) {
    const acc = result.accuracy[group];
    if (acc !== null) groups[`${KEY.evalAcc}_${group}`] = acc;
  }
  return {
    arrays: {},
    metrics: {
      [RECORD.metrics]: { [KEY.evalLoss]: result.loss, [KEY.evalAcc]: result.accuracy.acc, [KEY.numExamples]: result.numExamples },
    },
    configs: {
      [RECORD.reply]: {
        [KEY.clientId]: result.clientId,
        [KEY.evalSeconds]: result.seconds,
        [KEY.pmVariant]: result.variant,
        [KEY.pmMasked]: result.masked,
        ...groups,
      },
    },
  };
}

/** The reply to a train message. */
export function trainReply(result: ClientTaskResult, returnState: boolean): MessageContent {
  const metrics: Record<string, number> = { [KEY.numExamples]: result.numSamples };
  for (const [k, v] of Object.entries(result.metrics ?? {})) if (k !== KEY.numExamples) metrics[k] = v;
  return {
    arrays: { [RECORD.arrays]: result.arrays, ...(returnState && result.state ? { [RECORD.state]: result.state } : {}) },
    metrics: { [RECORD.metrics]: metrics },
    configs: { [RECORD.reply]: { [KEY.clientId]: result.clientId, [KEY.trainSeconds]: result.seconds } },
  };
}

/** A train reply as our round loop needs it; `clientId` is the client the message went to. */
export function readTrainReply(content: MessageContent, clientId: number): ClientTaskResult {
  const arrays = content.arrays[RECORD.arrays];
  const metricRecord = content.metrics[RECORD.metrics];
  if (!arrays)
    throw new MessageFormatError(
      `client ${clientId}'s train reply has no array record '${RECORD.arrays}' (found: ${names(content.arrays)})`,
    );
  const numSamples = metricRecord?.[KEY.numExamples];
  if (typeof numSamples !== 'number' || !(numSamples > 0)) {
    throw new MessageFormatError(
      `client ${clientId}'s train reply must hold '${KEY.numExamples}' > 0 in its '${RECORD.metrics}' record (got ${String(numSamples)})`,
    );
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(metricRecord ?? {})) if (k !== KEY.numExamples) metrics[k] = v;
  const seconds = content.configs[RECORD.reply]?.[KEY.trainSeconds];
  const state = content.arrays[RECORD.state];
  return { clientId, arrays, numSamples, metrics, ...(state ? { state } : {}), seconds: typeof seconds === 'number' ? seconds : 0 };
}

/** What our server tells each node once: the run to rebuild. */
export interface Hello {
  readonly runId: string;
  readonly spec: ClientRuntimeSpec;
  readonly backend: BackendChoice;
}

export function helloMessage(hello: Hello): MessageContent {
  return {
    arrays: {},
    metrics: {},
    configs: {
      [RECORD.config]: {
        [KEY.kind]: 'hello',
        [KEY.run]: hello.runId,
        [KEY.spec]: JSON.stringify(hello.spec),
        [KEY.backend]: hello.backend,
      },
    },
  };
}

/** The hello in a query message, or undefined for another query. */
export function readHello(content: MessageContent): Hello | undefined {
  const config = content.configs[RECORD.config];
  if (config?.[KEY.kind] !== 'hello') return undefined;
  const { [KEY.run]: runId, [KEY.spec]: spec, [KEY.backend]: backend } = config;
  if (typeof runId !== 'string' || typeof spec !== 'string' || typeof backend !== 'string') {
    throw new MessageFormatError(`a hello message needs '${KEY.run}', '${KEY.spec}' and '${KEY.backend}' as strings`);
  }
  return { runId, spec: JSON.parse(spec) as ClientRuntimeSpec, backend: backend as BackendChoice };
}

/** A node's answer to the hello: the client it hosts. */
export function helloReply(clientId: number): MessageContent {
  return { arrays: {}, metrics: { [RECORD.metrics]: { [KEY.clientId]: clientId } }, configs: {} };
}

export function readHelloReply(content: MessageContent): number {
  const id = content.metrics[RECORD.metrics]?.[KEY.clientId];
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
    throw new MessageFormatError(`a hello reply must hold '${KEY.clientId}' as an integer >= 0 in '${RECORD.metrics}' (got ${String(id)})`);
  }
  return id;
}

function names(records: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(records);
  return keys.length ? keys.map((k) => `'${k}'`).join(', ') : 'none';
}
