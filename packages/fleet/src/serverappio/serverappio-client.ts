/**
 * The ServerApp side of a Flower SuperLink: its ServerAppIo API (Flower 1.26), as `flwr-serverapp`
 * and Flower's `GrpcGrid` (flwr/server/grid/grpc_grid.py) speak it.
 *
 * - Messages: PushMessages carries the instructions without content (the envelope marker) plus their
 *   object trees; the link answers the ids it stored ("" for one it refused) and the object ids it
 *   lacks, which go up with PushObject. PullMessages(ids) hands out the replies that arrived (or the
 *   link's own error replies: instruction expired, node offline), each once: the link deletes the
 *   instruction and its reply as it hands the reply out. Their objects come down with PullObject,
 *   then ConfirmMessageReceived lets the link free them.
 * - The ServerApp calls PushObject / PullObject / ConfirmMessageReceived as node 1 (SUPERLINK_NODE_ID);
 *   its instructions go from node 1 to a node GetNodes listed.
 * - App lifecycle (a launcher's, like SuperExec's): ListAppsToLaunch → RequestToken → PullAppInputs
 *   (the run becomes "running") → SendAppHeartbeat (and PushLogs) while working → PushAppOutputs → UpdateRunStatus.
 *
 * Flower 1.26's ServerAppIo has no call authentication (the API is meant for the SuperLink's own
 * machine or network) and `run_superlink` serves it without TLS; `tls` is for a link behind a TLS
 * proxy.
 */
import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { Client, type ServiceError, status } from '@grpc/grpc-js';
import type { Context } from '../gen/flwr/proto/appio_pb.js';
import type { Message } from '../gen/flwr/proto/message_pb.js';
import type { Run } from '../gen/flwr/proto/run_pb.js';
import { backoffDelayMs, DEFAULT_RETRY, type RetryOptions, sleep } from '../client/backoff.js';
import { channelCredentials, type ClientTlsOptions, DEFAULT_MAX_MESSAGE_BYTES, messageSizeOptions } from '../grpc/tls.js';
import { DEFAULT_TTL_S, ErrorCode, type FleetMessage, type MessageMetadata, SUPERLINK_NODE_ID } from '../message.js';
import { type DeflatedContent, deflateMessage, MAX_ARRAY_CHUNK_BYTES } from '../objects/deflate.js';
import { inflateMessage } from '../objects/inflate.js';
import { envelopeBody, messageEnvelope, messageEnvelopeProblems } from '../objects/message-envelope.js';
import { metadataFromProto } from '../objects/metadata-proto.js';
import { type ObjectTreeNode, postOrderIds } from '../objects/object-content.js';
import type { RecordDict } from '../records/record-dict.js';
import { forEachLimited, treeFromProto, treeToProto } from './object-tree-proto.js';
import {
  ServerAppIo,
  SERVERAPPIO_CODECS,
  type ServerAppIoMethodName,
  type ServerAppIoMethods,
  type ServerAppIoRequest,
  type ServerAppIoResponse,
} from './serverappio-service.js';

export interface ServerAppIoClientOptions {
  /** The SuperLink's ServerAppIo address, "host:port" (Flower's default port is 9091). */
  readonly address: string;
  /** TLS; plaintext when absent (what Flower 1.26's SuperLink serves on this API). */
  readonly tls?: ClientTlsOptions;
  /** Deadline of every call (ms). Default 60 000. */
  readonly callTimeoutMs?: number;
  /** gRPC receive/send limit (bytes). Default 512 MiB. */
  readonly maxMessageBytes?: number;
  /** Backoff for calls that fail because the link is unreachable, and for objects not uploaded yet. */
  readonly retry?: RetryOptions;
  /** Objects pulled or pushed in parallel. Default 4. */
  readonly parallelObjects?: number;
  readonly onEvent?: (event: ServerAppIoEvent) => void;
}

export type ServerAppIoEvent = {
  readonly type: 'retry';
  readonly method: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: string;
};

/** A failed ServerAppIo call, with its gRPC status (Flower answers PERMISSION_DENIED "Run is finished." etc.). */
export class ServerAppIoCallError extends Error {
  override readonly name = 'ServerAppIoCallError';
  constructor(
    readonly method: string,
    readonly code: status,
    readonly details: string,
  ) {
    super(`ServerAppIo ${method} failed: ${status[code] ?? code} (${details})`);
  }
}

/** The ServerAppIo API did not answer within the connect timeout. */
export class SuperLinkUnreachableError extends Error {
  override readonly name = 'SuperLinkUnreachableError';
}

/** Flower's run statuses (flwr.common.constant.Status / SubStatus). */
export const RunState = { pending: 'pending', starting: 'starting', running: 'running', finished: 'finished' } as const;
export const RunSubState = { completed: 'completed', failed: 'failed', stopped: 'stopped' } as const;

export interface RunStatusValue {
  readonly status: string;
  readonly subStatus: string;
  readonly details: string;
}

/** A run as the link describes it. `config` is the run's override_config (`flwr run --run-config`). */
export interface LinkRun {
  readonly runId: bigint;
  readonly fabId: string;
  readonly fabVersion: string;
  readonly fabHash: string;
  readonly federation: string;
  readonly status: RunStatusValue;
  readonly config: ReadonlyMap<string, number | bigint | boolean | string | Uint8Array>;
}

/** What PullAppInputs hands a launched app: its run, its Context (kept to push back), the FAB's hash and size. */
export interface AppInputs {
  readonly run: LinkRun;
  readonly context: Context;
  readonly fab: { readonly hash: string; readonly bytes: number } | undefined;
}

/** An instruction for one node; the client fills in run id, source (node 1), id and creation time. */
export interface Instruction {
  readonly dstNodeId: bigint;
  /** "train", "evaluate", "query" (optionally ".suffix"). */
  readonly messageType: string;
  /** Flower uses the round number. */
  readonly groupId: string;
  /** Seconds the instruction stays deliverable (default Flower's 12 h). */
  readonly ttlS?: number;
  readonly content: RecordDict;
  /** The content already deflated (the same records sent to many nodes are hashed once). */
  readonly deflated?: DeflatedContent;
}

/** Link unreachable or call timed out: retry with backoff (GrpcGrid's retry invoker retries these too). */
const RETRYABLE: ReadonlySet<status> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

function runFromProto(run: Run): LinkRun {
  const config = new Map<string, number | bigint | boolean | string | Uint8Array>();
  for (const [k, v] of Object.entries(run.overrideConfig)) if (v.scalar.case !== undefined) config.set(k, v.scalar.value);
  return {
    runId: run.runId,
    fabId: run.fabId,
    fabVersion: run.fabVersion,
    fabHash: run.fabHash,
    federation: run.federation,
    status: { status: run.status?.status ?? '', subStatus: run.status?.subStatus ?? '', details: run.status?.details ?? '' },
    config,
  };
}

export class ServerAppIoClient {
  private readonly grpc: Client;
  private readonly callTimeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly parallelObjects: number;
  private closed = false;

  constructor(private readonly options: ServerAppIoClientOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? 60_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.parallelObjects = options.parallelObjects ?? 4;
    const channelOptions: Record<string, string | number> = { ...messageSizeOptions(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) };
    if (options.tls?.serverNameOverride) channelOptions['grpc.ssl_target_name_override'] = options.tls.serverNameOverride;
    this.grpc = new Client(options.address, channelCredentials(options.tls), channelOptions);
  }

  get address(): string {
    return this.options.address;
  }

  /** Resolves once the channel is connected; throws SuperLinkUnreachableError after `timeoutMs`. */
  connect(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.grpc.waitForReady(Date.now() + timeoutMs, (err) => {
        if (!err) return resolve();
        reject(
          new SuperLinkUnreachableError(
            `cannot reach the SuperLink's ServerAppIo API at ${this.options.address} within ${Math.round(timeoutMs / 1000)} s ` +
              `(${err.message}). Is flower-superlink running, and is this its --serverappio-api-address (default port 9091)?`,
            { cause: err },
          ),
        );
      });
    });
  }

  private callOnce<K extends ServerAppIoMethodName>(
    method: K,
    request: ServerAppIoRequest<K>,
    timeoutMs = this.callTimeoutMs,
  ): Promise<ServerAppIoResponse<K>> {
    const codec = SERVERAPPIO_CODECS[method];
    return new Promise((resolve, reject) => {
      this.grpc.makeUnaryRequest(
        codec.path,
        codec.serializeRequest as (r: ServerAppIoRequest<K>) => Buffer,
        codec.deserializeResponse as (b: Buffer) => ServerAppIoResponse<K>,
        request,
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, res?: ServerAppIoResponse<K>) => {
          if (err) reject(new ServerAppIoCallError(codec.name, err.code, err.details));
          else if (res === undefined) reject(new ServerAppIoCallError(codec.name, status.INTERNAL, 'empty response'));
          else resolve(res);
        },
      );
    });
  }

  /** A call retried with backoff while the link is unreachable. */
  private async call<K extends ServerAppIoMethodName>(
    method: K,
    init: MessageInitShape<ServerAppIoMethods[K]['input']>,
  ): Promise<ServerAppIoResponse<K>> {
    const request = create(ServerAppIo.method[method].input as DescMessage, init as never) as ServerAppIoRequest<K>;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('ServerAppIoClient is closed');
      try {
        return await this.callOnce(method, request);
      } catch (err) {
        if (!(err instanceof ServerAppIoCallError)) throw err;
        const delayMs = backoffDelayMs(attempt, this.retry);
        if (!RETRYABLE.has(err.code) || Date.now() - started + delayMs > this.retry.maxElapsedMs) throw err;
        this.options.onEvent?.({ type: 'retry', method: err.method, attempt, delayMs, error: err.message });
        await sleep(delayMs);
      }
    }
  }

  /** The run, or undefined when the link has no run with this id. */
  async getRun(runId: bigint): Promise<LinkRun | undefined> {
    const res = await this.call('getRun', { runId });
    return res.run ? runFromProto(res.run) : undefined;
  }

  /** Ids of the nodes online for the run (Flower refuses the call unless the run is "running"). */
  async getNodes(runId: bigint): Promise<bigint[]> {
    const res = await this.call('getNodes', { runId });
    return res.nodes.map((n) => n.nodeId);
  }

  /**
   * Push instructions, as GrpcGrid.push_messages does: one PushMessages with every envelope and object
   * tree, then PushObject for each object the link lacks (objects shared by several instructions go up
   * once). Returns, per instruction in order, its id, or undefined where the link refused to store it
   * (e.g. its node is unknown to the run).
   */
  async pushMessages(runId: bigint, instructions: readonly PreparedInstruction[]): Promise<(string | undefined)[]> {
    if (instructions.length === 0) return [];
    const objects = new Map<string, Uint8Array>();
    for (const p of instructions) for (const [id, bytes] of p.objects) if (!objects.has(id)) objects.set(id, bytes);
    const ids = instructions.map((p) => p.messageId);
    const envelopes = instructions.map((p) => p.envelope);
    const trees = instructions.map((p) => treeToProto(p.tree));
    if (instructions.some((p) => p.envelope.metadata?.runId !== runId))
      throw new Error(`an instruction was prepared for another run than ${runId}`);
    const res = await this.call('pushMessages', { runId, messagesList: envelopes, messageObjectTrees: trees });
    const wanted = new Set(res.objectsToPush);
    const order = [...objects.keys()].filter((id) => wanted.has(id)); // children before parents
    await forEachLimited(order, this.parallelObjects, async (objectId) => {
      const r = await this.call('pushObject', {
        node: { nodeId: SUPERLINK_NODE_ID },
        runId,
        objectId,
        objectContent: objects.get(objectId) as Uint8Array,
      });
      if (!r.stored) throw new Error(`the SuperLink did not store object ${objectId} (it was not announced for this run)`);
    });
    return ids.map((id, i) => {
      const stored = res.messageIds[i];
      if (stored === undefined || stored === '') return undefined;
      if (stored !== id) throw new Error(`the SuperLink stored instruction ${id} under another id (${stored})`);
      return id;
    });
  }

  /**
   * The replies available for `messageIds` (a subset, possibly empty; each is handed out once), inflated
   * and verified, each confirmed received. A reply the link made itself (src node 1) carries its error:
   * the instruction expired (MESSAGE_UNAVAILABLE / REPLY_MESSAGE_UNAVAILABLE) or its node went offline
   * (NODE_UNAVAILABLE).
   */
  async pullReplies(runId: bigint, messageIds: readonly string[]): Promise<FleetMessage[]> {
    if (messageIds.length === 0) return [];
    const res = await this.call('pullMessages', { runId, messageIds: [...messageIds] });
    if (res.messagesList.length !== res.messageObjectTrees.length)
      throw new Error(`PullMessages answered ${res.messagesList.length} messages but ${res.messageObjectTrees.length} object trees`);
    const out: FleetMessage[] = [];
    for (const [i, wire] of res.messagesList.entries()) {
      if (!wire.metadata) throw new Error('the SuperLink sent a reply without metadata');
      const metadata: MessageMetadata = metadataFromProto(wire.metadata);
      try {
        out.push(await this.fetchReply(runId, wire, treeFromProto(res.messageObjectTrees[i]!)));
      } catch (e) {
        // The link has already let go of this reply: as GrpcGrid does, hand the round an error reply in its place.
        out.push({
          metadata: { ...metadata, messageId: '', srcNodeId: SUPERLINK_NODE_ID, dstNodeId: SUPERLINK_NODE_ID, ttl: 0 },
          error: { code: ErrorCode.messageUnavailable, reason: `its reply could not be fetched: ${(e as Error).message}` },
        });
      }
    }
    return out;
  }

  private async fetchReply(runId: bigint, wire: Message, tree: ObjectTreeNode): Promise<FleetMessage> {
    if (wire.metadata!.messageId !== tree.objectId)
      throw new Error(`reply id ${wire.metadata!.messageId} differs from its object tree root ${tree.objectId}`);
    const objects = new Map<string, Uint8Array>();
    await forEachLimited([...new Set(postOrderIds(tree))], this.parallelObjects, async (objectId) => {
      objects.set(objectId, await this.pullObject(runId, objectId));
    });
    await this.call('confirmMessageReceived', { node: { nodeId: SUPERLINK_NODE_ID }, runId, messageObjectId: tree.objectId });
    const message = inflateMessage(tree.objectId, objects);
    const body = envelopeBody(wire);
    if (body !== (message.error ? 'error' : 'content'))
      throw new Error(
        `reply ${tree.objectId}: its envelope says '${body}' but its Message object carries ${message.error ? 'an error' : 'content'}`,
      );
    return message;
  }

  // A reply is stored before its node uploads the objects, so "found but not available" means: wait.
  private async pullObject(runId: bigint, objectId: string): Promise<Uint8Array> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const res = await this.call('pullObject', { node: { nodeId: SUPERLINK_NODE_ID }, runId, objectId });
      if (!res.objectFound) throw new Error(`the SuperLink does not know object ${objectId}`);
      if (res.objectAvailable) return res.objectContent;
      const delayMs = backoffDelayMs(attempt, this.retry);
      if (Date.now() - started + delayMs > this.retry.maxElapsedMs)
        throw new Error(`object ${objectId} stayed unavailable for ${Math.round((Date.now() - started) / 1000)} s`);
      await sleep(delayMs);
    }
  }

  /** Ids of the runs waiting for an app process ("pending"). */
  async listAppsToLaunch(): Promise<bigint[]> {
    return (await this.call('listAppsToLaunch', {})).runIds;
  }

  /** Claim a pending run; undefined when another launcher claimed it first. */
  async requestToken(runId: bigint): Promise<string | undefined> {
    const { token } = await this.call('requestToken', { runId });
    return token === '' ? undefined : token;
  }

  /** A claimed run's inputs; the link moves the run to "running" (FAILED_PRECONDITION when it cannot). */
  async pullAppInputs(token: string): Promise<AppInputs> {
    const res = await this.call('pullAppInputs', { token });
    if (!res.run || !res.context) throw new Error('PullAppInputs answered without a run or context');
    return {
      run: runFromProto(res.run),
      context: res.context,
      fab: res.fab ? { hash: res.fab.hashStr, bytes: res.fab.content.length } : undefined,
    };
  }

  /** Hand back the app's context at the end of the run; the link revokes the token. */
  async pushAppOutputs(token: string, runId: bigint, context: Context): Promise<void> {
    await this.call('pushAppOutputs', { token, runId, context });
  }

  async updateRunStatus(runId: bigint, runStatus: RunStatusValue): Promise<void> {
    await this.call('updateRunStatus', { runId, runStatus });
  }

  /** Log text for the run, kept by the SuperLink for `flwr log` (node id 0, as Flower's log uploader sends). */
  async pushLogs(runId: bigint, logs: readonly string[]): Promise<void> {
    await this.call('pushLogs', { node: { nodeId: 0n }, runId, logs: [...logs] });
  }

  /** One app heartbeat (5 s deadline, as Flower's); false when the link no longer knows the token. */
  async sendAppHeartbeat(token: string): Promise<boolean> {
    const request = create(ServerAppIo.method.sendAppHeartbeat.input, { token });
    return (await this.callOnce('sendAppHeartbeat', request, 5_000)).success;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.grpc.close();
  }
}

/** An instruction turned into what PushMessages carries: its id, envelope, object tree and objects. */
export interface PreparedInstruction {
  readonly messageId: string;
  readonly envelope: Message;
  readonly tree: ObjectTreeNode;
  readonly objects: ReadonlyMap<string, Uint8Array>;
}

/**
 * Build an instruction as GrpcGrid does before pushing it: run id, source node 1, its destination,
 * created now, Flower's 12 h ttl unless given; its id is its Message object's id. Checked with Flower's
 * `validate_message` rules (the link refuses the whole PushMessages call when one fails them).
 */
export function prepareInstruction(
  runId: bigint,
  ins: Instruction,
  chunkBytes = MAX_ARRAY_CHUNK_BYTES,
  now = Date.now() / 1000,
): PreparedInstruction {
  const message: FleetMessage = {
    metadata: {
      runId,
      messageId: '',
      srcNodeId: SUPERLINK_NODE_ID,
      dstNodeId: ins.dstNodeId,
      replyToMessageId: '',
      groupId: ins.groupId,
      ttl: ins.ttlS ?? DEFAULT_TTL_S,
      messageType: ins.messageType,
      createdAt: now,
    },
    content: ins.content,
  };
  const deflated = deflateMessage(message, chunkBytes, ins.deflated);
  const metadata = { ...message.metadata, messageId: deflated.messageId };
  const problems = messageEnvelopeProblems({ metadata, body: 'content', isReply: false, now });
  if (problems.length > 0) throw new Error(`the instruction for node ${ins.dstNodeId} is invalid: ${problems.join('; ')}`);
  return { messageId: deflated.messageId, envelope: messageEnvelope(metadata), tree: deflated.tree, objects: deflated.objects };
}
