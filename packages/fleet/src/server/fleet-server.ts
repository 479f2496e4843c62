import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import {
  type handleUnaryCall,
  Server,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { verifyCallMetadata } from '../auth/call-auth.js';
import { publicKeyFingerprint } from '../auth/node-key.js';
import { type Message, type ObjectTree, ObjectTreeSchema } from '../gen/flwr/proto/message_pb.js';
import { FabSchema } from '../gen/flwr/proto/fab_pb.js';
import { RunSchema, RunStatusSchema } from '../gen/flwr/proto/run_pb.js';
import { type Scalar, ScalarSchema } from '../gen/flwr/proto/transport_pb.js';
import type { ScalarValue } from '../client/fleet-client.js';
import { Fleet, FLEET_SERVICE_DEFINITION, type FleetMethodName, type FleetMethods, type FleetRequest } from '../grpc/fleet-service.js';
import { DEFAULT_MAX_MESSAGE_BYTES, messageSizeOptions, serverCredentials, type ServerTlsOptions } from '../grpc/tls.js';
import { DEFAULT_TTL_S, type FleetMessage, type MessageMetadata, SUPERLINK_NODE_ID } from '../message.js';
import { type DeflatedContent, deflateContent, deflateMessage, MAX_ARRAY_CHUNK_BYTES } from '../objects/deflate.js';
import { inflateMessage } from '../objects/inflate.js';
import { envelopeBody, messageEnvelope, messageEnvelopeProblems, replyConsistencyProblems } from '../objects/message-envelope.js';
import { metadataFromProto } from '../objects/metadata-proto.js';
import type { ObjectTreeNode } from '../objects/object-content.js';
import type { RecordDict } from '../records/record-dict.js';
import { type NodeChange, type NodeInfo, NodeRegistry } from './node-registry.js';
import { ObjectStore } from './object-store.js';
import { sleep } from '../client/backoff.js';

export type { NodeInfo } from './node-registry.js';

/** The run this link serves; GetRun returns it, instructions carry its id. */
export interface RunDescription {
  readonly runId: bigint;
  /** Run config (GetRun's override_config): what a node's app reads as its run config. */
  readonly config?: ReadonlyMap<string, ScalarValue> | Readonly<Record<string, ScalarValue>>;
  readonly fabId?: string;
  readonly fabVersion?: string;
  /** A Flower App Bundle (the .fab zip) this link serves with GetFab; its hash (hex SHA-256, as Flower computes it) becomes the run's fab_hash. */
  readonly fab?: Uint8Array;
}

export interface FleetServerOptions {
  /** "host:port" to listen on; port 0 picks a free port (see `port`). */
  readonly address: string;
  readonly run: RunDescription;
  /** TLS / mTLS; plaintext when absent. */
  readonly tls?: ServerTlsOptions;
  /** PEM public keys of the nodes let in; any validly signed key when absent. */
  readonly allowedNodeKeys?: Iterable<string | Uint8Array>;
  /** A node goes offline after this many heartbeat intervals without one (Flower: 2). */
  readonly heartbeatPatience?: number;
  /** How often (ms) to look for nodes whose heartbeats stopped. Default 500. */
  readonly sweepIntervalMs?: number;
  /** gRPC receive/send limit (bytes). Default 512 MiB. */
  readonly maxMessageBytes?: number;
  /** Array chunk size for instructions (default and maximum: 5 MiB). */
  readonly chunkBytes?: number;
}

export interface SendOptions {
  /** "train", "evaluate", "query" (Flower's ClientApp dispatches on it). */
  readonly messageType: string;
  readonly content: RecordDict;
  /** Groups a round's messages (Flower uses the round number). */
  readonly groupId?: string;
  /** Lifetime in seconds (default 12 h); an instruction not pulled by then is dropped. */
  readonly ttlS?: number;
}

export interface FleetServerEvents {
  'node-registered': [NodeInfo];
  'node-online': [NodeInfo];
  'node-offline': [NodeInfo];
  'node-unregistered': [NodeInfo];
  /** A reply the link refused (late, duplicate, from the wrong node, or with bad content). */
  'reply-refused': [{ readonly nodeId: bigint; readonly replyToMessageId: string; readonly reason: string }];
}

/** No reply within the timeout: the instruction is abandoned and a later reply to it is refused. */
export class ReplyTimeoutError extends Error {
  constructor(
    readonly messageId: string,
    readonly nodeId: bigint,
    readonly timeoutMs: number,
  ) {
    super(`no reply from node ${nodeId} to message ${messageId.slice(0, 12)}… within ${timeoutMs} ms`);
    this.name = 'ReplyTimeoutError';
  }
}

/** A reply that cannot be accepted; pushing nodes get FAILED_PRECONDITION with this text. */
export class ReplyRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ReplyRefusedError';
  }
}

class StatusError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

interface Instruction {
  readonly messageId: string;
  readonly nodeId: bigint;
  /** What PullMessages hands out inline: metadata and the empty-content marker. */
  readonly envelope: Message;
  readonly tree: ObjectTree;
  readonly objectIds: readonly string[];
  readonly expiresAtMs: number;
  /** How often the node pulled it (more than once after an interrupted download). */
  pulls: number;
  /** Objects still referenced by this instruction (released on confirmation or abandonment). */
  holdsObjects: boolean;
}

interface PartialReply {
  readonly messageId: string;
  /** What the inline envelope announced; the Message object must agree. */
  readonly body: 'content' | 'error';
  readonly objectIds: readonly string[];
  readonly missing: Set<string>;
}

interface Outstanding {
  readonly messageId: string;
  readonly nodeId: bigint;
  readonly metadata: MessageMetadata;
  reply: PartialReply | undefined;
  result: FleetMessage | undefined;
  waiter: { resolve: (m: FleetMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
}

function scalarToProto(key: string, v: ScalarValue): Scalar {
  if (typeof v === 'number') return create(ScalarSchema, { scalar: { case: 'double', value: v } });
  if (typeof v === 'bigint')
    return create(ScalarSchema, { scalar: v > (1n << 63n) - 1n ? { case: 'uint64', value: v } : { case: 'sint64', value: v } });
  if (typeof v === 'boolean') return create(ScalarSchema, { scalar: { case: 'bool', value: v } });
  if (typeof v === 'string') return create(ScalarSchema, { scalar: { case: 'string', value: v } });
  if (v instanceof Uint8Array) return create(ScalarSchema, { scalar: { case: 'bytes', value: v } });
  throw new Error(`run config '${key}' must be a number, bigint, boolean, string or Uint8Array`);
}

function distinctPostOrder(tree: ObjectTree): string[] {
  const out = new Set<string>();
  const walk = (t: ObjectTree): void => {
    t.children.forEach(walk);
    out.add(t.objectId);
  };
  walk(tree);
  return [...out];
}

function treeToProto(t: ObjectTreeNode): ObjectTree {
  return create(ObjectTreeSchema, { objectId: t.objectId, children: t.children.map(treeToProto) });
}

/**
 * An embedded SuperLink: serves Flower's Fleet API to nodes and gives the engine a small JS API: `send` an
 * instruction to a node, `awaitReply` for its reply. Replies are accepted only from the addressed node for
 * an instruction still outstanding, and each reply is handed to the engine once.
 */
export class FleetServer extends EventEmitter<FleetServerEvents> {
  private readonly grpc: Server;
  private readonly nodes: NodeRegistry;
  private readonly store = new ObjectStore();
  private readonly queues = new Map<bigint, Instruction[]>();
  private readonly outstanding = new Map<string, Outstanding>();
  /** Why an instruction is no longer outstanding (for clear refusals of late and duplicate replies). */
  private readonly finished = new Map<string, string>();
  private readonly allowedKeys: ReadonlySet<string> | undefined;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly runConfig: Map<string, Scalar>;
  /** What GetRun reports; `finishRun` moves it to finished. */
  private runStatus = { status: 'running', subStatus: '', details: '' };
  /** Nodes told (by GetRun) that the run finished. */
  private readonly toldFinished = new Set<bigint>();
  /** Hex SHA-256 of the FAB served, or '' (Flower's fab_hash of a run without one). */
  private readonly fabHash: string;
  private boundPort = 0;
  /** Content already deflated, by RecordDict identity: a round's model sent to N nodes is encoded once. */
  private readonly deflatedContent = new WeakMap<RecordDict, DeflatedContent>();

  private constructor(private readonly options: FleetServerOptions) {
    super();
    const chunk = options.chunkBytes ?? MAX_ARRAY_CHUNK_BYTES;
    if (chunk > MAX_ARRAY_CHUNK_BYTES) throw new Error(`chunkBytes ${chunk} exceeds Flower's ${MAX_ARRAY_CHUNK_BYTES}-byte chunk limit`);
    this.allowedKeys = options.allowedNodeKeys ? new Set([...options.allowedNodeKeys].map((k) => publicKeyFingerprint(k))) : undefined;
    this.nodes = new NodeRegistry(options.heartbeatPatience ?? 2, (c: NodeChange) => this.emit(`node-${c.kind}`, c.node));
    const cfg = options.run.config ?? {};
    const entries =
      cfg instanceof Map ? [...(cfg as ReadonlyMap<string, ScalarValue>)] : Object.entries(cfg as Record<string, ScalarValue>);
    this.runConfig = new Map(entries.map(([k, v]) => [k, scalarToProto(k, v)]));
    this.fabHash = options.run.fab ? createHash('sha256').update(options.run.fab).digest('hex') : '';
    this.grpc = new Server(messageSizeOptions(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES));
    this.grpc.addService(FLEET_SERVICE_DEFINITION, this.handlers());
    this.sweepTimer = setInterval(() => this.nodes.sweep(), options.sweepIntervalMs ?? 500);
    this.sweepTimer.unref();
  }

  /** Start serving; resolves once the port is bound. */
  static async start(options: FleetServerOptions): Promise<FleetServer> {
    const server = new FleetServer(options);
    try {
      server.boundPort = await new Promise<number>((resolve, reject) => {
        server.grpc.bindAsync(options.address, serverCredentials(options.tls), (err, port) => (err ? reject(err) : resolve(port)));
      });
    } catch (err) {
      clearInterval(server.sweepTimer);
      throw new Error(`FleetServer cannot listen on ${options.address}: ${(err as Error).message}`, { cause: err });
    }
    return server;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  get runId(): bigint {
    return this.options.run.runId;
  }

  nodeList(): NodeInfo[] {
    return this.nodes.all();
  }

  onlineNodeIds(): bigint[] {
    return this.nodes
      .all()
      .filter((n) => n.online)
      .map((n) => n.nodeId);
  }

  node(nodeId: bigint): NodeInfo | undefined {
    return this.nodes.get(nodeId);
  }

  /** Resolves with the online node ids once at least `count` are online; rejects after `timeoutMs`. */
  waitForNodes(count: number, timeoutMs: number): Promise<bigint[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const online = this.onlineNodeIds();
        if (online.length < count) return false;
        cleanup();
        resolve(online);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`only ${this.onlineNodeIds().length} of ${count} nodes came online within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('node-online', onOnline);
      };
      const onOnline = (): void => void check();
      this.on('node-online', onOnline);
      check();
    });
  }

  /**
   * Queue an instruction for a node; returns its message id. Sending the same RecordDict object to several
   * nodes encodes it once; do not mutate a RecordDict after sending it.
   */
  send(nodeId: bigint, options: SendOptions): string {
    if (!this.nodes.get(nodeId)) throw new Error(`cannot send to node ${nodeId}: no such node is registered`);
    let createdAt = Date.now() / 1000;
    const chunkBytes = this.options.chunkBytes ?? MAX_ARRAY_CHUNK_BYTES;
    let content = this.deflatedContent.get(options.content);
    if (!content) this.deflatedContent.set(options.content, (content = deflateContent(options.content, chunkBytes)));
    for (;;) {
      const metadata: MessageMetadata = {
        runId: this.options.run.runId,
        messageId: '',
        srcNodeId: SUPERLINK_NODE_ID,
        dstNodeId: nodeId,
        replyToMessageId: '',
        groupId: options.groupId ?? '',
        ttl: options.ttlS ?? DEFAULT_TTL_S,
        messageType: options.messageType,
        createdAt,
      };
      const deflated = deflateMessage({ metadata, content: options.content }, chunkBytes, content);
      const messageId = deflated.messageId;
      // Identical content to the same node within the same millisecond would share an id: nudge the time.
      if (this.outstanding.has(messageId) || this.finished.has(messageId)) {
        createdAt += 1e-3;
        continue;
      }
      const ids = [...deflated.objects.keys()];
      for (const id of this.store.retain(ids)) this.store.putOwn(id, deflated.objects.get(id) as Uint8Array);
      const instruction: Instruction = {
        messageId,
        nodeId,
        envelope: messageEnvelope({ ...metadata, messageId }),
        tree: treeToProto(deflated.tree),
        objectIds: ids,
        expiresAtMs: (createdAt + metadata.ttl) * 1000,
        pulls: 0,
        holdsObjects: true,
      };
      let queue = this.queues.get(nodeId);
      if (!queue) this.queues.set(nodeId, (queue = []));
      queue.push(instruction);
      this.outstanding.set(messageId, {
        messageId,
        nodeId,
        metadata: { ...metadata, messageId },
        reply: undefined,
        result: undefined,
        waiter: undefined,
      });
      return messageId;
    }
  }

  /**
   * The reply to an instruction, once all its objects arrived and verified. After `timeoutMs` the instruction
   * is abandoned (ReplyTimeoutError) and any later reply to it is refused. A reply is handed out once.
   */
  awaitReply(messageId: string, timeoutMs: number): Promise<FleetMessage> {
    const o = this.outstanding.get(messageId);
    if (!o) return Promise.reject(new Error(`message ${messageId} is not outstanding (${this.finished.get(messageId) ?? 'never sent'})`));
    if (o.waiter) return Promise.reject(new Error(`a reply to message ${messageId} is already being awaited`));
    if (o.result) return Promise.resolve(this.handOut(o));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        o.waiter = undefined; // rejected below with the specific error, not abandon()'s generic one
        this.abandon(messageId, `its reply deadline (${timeoutMs} ms) passed`);
        reject(new ReplyTimeoutError(messageId, o.nodeId, timeoutMs));
      }, timeoutMs);
      o.waiter = { resolve, reject, timer };
    });
  }

  private handOut(o: Outstanding): FleetMessage {
    const result = o.result as FleetMessage;
    this.outstanding.delete(o.messageId);
    this.finished.set(o.messageId, 'its reply was already accepted');
    return result;
  }

  /** Give up on an instruction: drop it if not pulled yet, free its objects, refuse replies to it from now on. */
  abandon(messageId: string, reason = 'it was abandoned'): void {
    const o = this.outstanding.get(messageId);
    if (!o) return;
    this.outstanding.delete(messageId);
    this.finished.set(messageId, reason);
    if (o.waiter) {
      clearTimeout(o.waiter.timer);
      o.waiter.reject(new Error(`message ${messageId} was abandoned: ${reason}`));
    }
    if (o.reply) this.store.release(o.reply.objectIds);
    const queue = this.queues.get(o.nodeId) ?? [];
    const i = queue.findIndex((q) => q.messageId === messageId);
    if (i >= 0) this.dropInstruction(queue, i);
  }

  private dropInstruction(queue: Instruction[], index: number): void {
    const [ins] = queue.splice(index, 1);
    if (ins?.holdsObjects) {
      ins.holdsObjects = false;
      this.store.release(ins.objectIds);
    }
  }

  /** Bytes of object content held (instructions not yet pulled, replies being uploaded). */
  get storedBytes(): number {
    return this.store.bytes;
  }

  /** Stop serving: pending awaits reject, connections close (forcibly after `graceMs`). */
  /**
   * Mark the run finished (Flower's status "finished", sub-status "completed", "failed" or "stopped") and
   * wait, up to `graceMs`, until every online node has seen it through GetRun, so its client can leave
   * instead of waiting for a server that is gone.
   */
  async finishRun(subStatus: 'completed' | 'failed' | 'stopped', details = '', graceMs = 10_000): Promise<void> {
    this.runStatus = { status: 'finished', subStatus, details };
    const until = Date.now() + graceMs;
    while (Date.now() < until && this.onlineNodeIds().some((id) => !this.toldFinished.has(id))) await sleep(100);
  }

  async stop(graceMs = 2_000): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const id of [...this.outstanding.keys()]) this.abandon(id, 'the server stopped');
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.grpc.forceShutdown();
        resolve();
      }, graceMs);
      this.grpc.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  // ---- Fleet API handlers ----

  private handlers(): UntypedServiceImplementation {
    const h = <K extends FleetMethodName>(
      method: K,
      needsNode: boolean,
      fn: (
        req: FleetRequest<K>,
        caller: { fingerprint: string; publicKeyPem: Uint8Array; nodeId: bigint },
      ) => MessageInitShape<FleetMethods[K]['output']>,
    ): handleUnaryCall<FleetRequest<K>, unknown> => {
      return (call: ServerUnaryCall<FleetRequest<K>, unknown>, callback: sendUnaryData<unknown>) => {
        try {
          const auth = verifyCallMetadata(call.metadata, { allowedKeys: this.allowedKeys });
          if (!auth.ok) throw new StatusError(status.UNAUTHENTICATED, auth.reason);
          let nodeId = 0n;
          if (needsNode) {
            const req = call.request as { node?: { nodeId: bigint }; nodeId?: bigint };
            const claimed = req.node?.nodeId ?? req.nodeId ?? 0n;
            const known = this.nodes.idForKey(auth.fingerprint);
            if (known === undefined)
              throw new StatusError(status.NOT_FOUND, 'unknown node: no node is registered for this public key (register again)');
            if (known !== claimed) throw new StatusError(status.UNAUTHENTICATED, 'Invalid node ID');
            nodeId = known;
          }
          const out = fn(call.request, { fingerprint: auth.fingerprint, publicKeyPem: auth.publicKeyPem, nodeId });
          callback(null, create(Fleet.method[method].output as DescMessage, out as never));
        } catch (err) {
          const code =
            err instanceof StatusError ? err.code : err instanceof ReplyRefusedError ? status.FAILED_PRECONDITION : status.INTERNAL;
          callback({ code, details: (err as Error).message });
        }
      };
    };

    return {
      registerNode: h('registerNode', false, (req, caller) => {
        if (publicKeyFingerprintSafe(req.publicKey) !== caller.fingerprint) {
          throw new StatusError(
            status.INVALID_ARGUMENT,
            'RegisterNode: the public key in the request differs from the key that signed the call',
          );
        }
        return { nodeId: this.nodes.register(caller.fingerprint, caller.publicKeyPem) };
      }),
      activateNode: h('activateNode', false, (req, caller) => {
        let nodeId = this.nodes.idForKey(caller.fingerprint);
        // The allow-list is this link's `flwr supernode register`: a Flower SuperNode started with its own key
        // (--auth-supernode-private-key) never calls RegisterNode and activates straight away.
        if (nodeId === undefined && this.allowedKeys && publicKeyFingerprintSafe(req.publicKey) === caller.fingerprint)
          nodeId = this.nodes.register(caller.fingerprint, caller.publicKeyPem);
        if (nodeId === undefined || publicKeyFingerprintSafe(req.publicKey) !== caller.fingerprint) {
          throw new StatusError(status.NOT_FOUND, 'unknown node: no SuperNode is registered with this public key');
        }
        checkHeartbeatInterval(req.heartbeatInterval);
        this.nodes.touch(nodeId, req.heartbeatInterval);
        return { nodeId };
      }),
      deactivateNode: h('deactivateNode', true, (_req, caller) => {
        this.nodes.deactivate(caller.nodeId);
        return {};
      }),
      unregisterNode: h('unregisterNode', true, (_req, caller) => {
        this.nodes.unregister(caller.nodeId);
        return {};
      }),
      sendNodeHeartbeat: h('sendNodeHeartbeat', true, (req, caller) => {
        checkHeartbeatInterval(req.heartbeatInterval);
        return { success: this.nodes.touch(caller.nodeId, req.heartbeatInterval) };
      }),
      pullMessages: h('pullMessages', true, (_req, caller) => {
        // An instruction stays queued until the node confirms it has all its objects, so a node that crashed
        // or lost the link mid-download gets it again on its next pull (at-least-once until confirmed).
        const now = Date.now();
        for (const ins of [...(this.queues.get(caller.nodeId) ?? [])]) {
          if (ins.expiresAtMs < now) {
            this.abandon(ins.messageId, 'its ttl expired before the node confirmed it');
            continue;
          }
          ins.pulls++;
          return { messagesList: [ins.envelope], messageObjectTrees: [ins.tree] };
        }
        return {};
      }),
      pullObject: h('pullObject', true, (req) => {
        const got = this.store.get(req.objectId);
        if (got === 'unknown') return { objectFound: false, objectAvailable: false };
        if (got === 'pending') return { objectFound: true, objectAvailable: false };
        return { objectFound: true, objectAvailable: true, objectContent: got };
      }),
      confirmMessageReceived: h('confirmMessageReceived', true, (req, caller) => {
        const queue = this.queues.get(caller.nodeId) ?? [];
        const i = queue.findIndex((q) => q.messageId === req.messageObjectId);
        if (i >= 0) this.dropInstruction(queue, i);
        return {};
      }),
      pushMessages: h('pushMessages', true, (req, caller) => this.acceptReply(req, caller.nodeId)),
      pushObject: h('pushObject', true, (req, caller) => {
        let result: 'stored' | 'not-announced';
        try {
          result = this.store.put(req.objectId, req.objectContent);
        } catch (err) {
          throw new StatusError(status.INVALID_ARGUMENT, (err as Error).message);
        }
        if (result === 'stored') this.objectArrived(req.objectId, caller.nodeId);
        return { stored: result === 'stored' };
      }),
      getRun: h('getRun', true, (req, caller) => {
        if (this.runStatus.status === 'finished') this.toldFinished.add(caller.nodeId);
        if (req.runId !== this.options.run.runId)
          throw new StatusError(status.NOT_FOUND, `no run ${req.runId} on this link (it serves run ${this.options.run.runId})`);
        const run = this.options.run;
        return {
          run: create(RunSchema, {
            runId: run.runId,
            fabId: run.fabId ?? '',
            fabVersion: run.fabVersion ?? '',
            fabHash: this.fabHash,
            overrideConfig: Object.fromEntries(this.runConfig),
            status: create(RunStatusSchema, this.runStatus),
          }),
        };
      }),
      getFab: h('getFab', true, (req) => {
        // A Flower SuperNode fetches the run's FAB before its first message and stops when it cannot have it.
        const fab = this.options.run.fab;
        if (!fab)
          throw new StatusError(
            status.NOT_FOUND,
            `this link serves no FAB (asked for ${req.hashStr || 'an empty hash'}); start it with --fab`,
          );
        if (req.hashStr !== this.fabHash)
          throw new StatusError(status.NOT_FOUND, `no FAB with hash ${req.hashStr}; this link serves ${this.fabHash}`);
        return { fab: create(FabSchema, { hashStr: this.fabHash, content: fab, verifications: {} }) };
      }),
    };
  }

  private refuse(nodeId: bigint, replyToMessageId: string, reason: string): never {
    this.emit('reply-refused', { nodeId, replyToMessageId, reason });
    throw new ReplyRefusedError(`reply refused: ${reason}`);
  }

  private acceptReply(req: FleetRequest<'pushMessages'>, nodeId: bigint): MessageInitShape<FleetMethods['pushMessages']['output']> {
    const msg = req.messagesList[0];
    const tree = req.messageObjectTrees[0];
    const md = msg?.metadata;
    if (!md || !tree || req.messagesList.length !== 1 || req.messageObjectTrees.length !== 1) {
      throw new StatusError(status.INVALID_ARGUMENT, 'PushMessages needs exactly one message with metadata and one object tree');
    }
    if (tree.objectId !== md.messageId)
      throw new StatusError(status.INVALID_ARGUMENT, `message id ${md.messageId} is not its object tree root ${tree.objectId}`);
    const replyTo = md.replyToMessageId;
    // Flower's message_from_proto rejects a Message with neither content nor error before anything else.
    const body = envelopeBody(msg);
    if (body === 'neither' || body === 'both')
      throw new StatusError(status.UNKNOWN, 'Invalid arguments for Message: exactly one of content or error must be set');
    const metadata = metadataFromProto(md);
    // A reply to an instruction this link already closed says so first: that is what its node needs to hear.
    const closed = this.finished.get(replyTo);
    if (closed !== undefined && !this.outstanding.has(replyTo)) this.refuse(nodeId, replyTo, `message ${replyTo} is closed: ${closed}`);
    const invalid = messageEnvelopeProblems({ metadata, body, isReply: true });
    if (invalid.length > 0) this.refuse(nodeId, replyTo, invalid.join('; '));
    if (md.srcNodeId !== nodeId) this.refuse(nodeId, replyTo, `src_node_id ${md.srcNodeId} is not the calling node ${nodeId}`);
    const o = this.outstanding.get(replyTo);
    if (!o) this.refuse(nodeId, replyTo, `no outstanding message ${replyTo || '(empty reply_to_message_id)'}`);
    if (o.nodeId !== nodeId) this.refuse(nodeId, replyTo, `message ${replyTo} was sent to node ${o.nodeId}, not to ${nodeId}`);
    const inconsistent = replyConsistencyProblems(metadata, o.metadata);
    if (inconsistent.length > 0) this.refuse(nodeId, replyTo, inconsistent.join('; '));
    if (o.result) this.refuse(nodeId, replyTo, `message ${replyTo} already has a reply`);
    if (o.reply && o.reply.messageId !== md.messageId) {
      // A different reply replaces an unfinished upload (e.g. the node restarted and recomputed).
      this.store.release(o.reply.objectIds);
      o.reply = undefined;
    }
    if (!o.reply) {
      const ids = distinctPostOrder(tree);
      o.reply = { messageId: md.messageId, body, objectIds: ids, missing: new Set(this.store.retain(ids)) };
    } else {
      // A resumed upload: recompute what is still missing.
      for (const id of [...o.reply.missing]) if (this.store.has(id)) o.reply.missing.delete(id);
    }
    const missing = [...o.reply.missing];
    if (missing.length === 0) queueMicrotask(() => this.completeReply(o));
    return { reconnect: { reconnect: 5n }, results: { [md.messageId]: 0 }, objectsToPush: missing };
  }

  private objectArrived(objectId: string, nodeId: bigint): void {
    for (const o of this.outstanding.values()) {
      if (o.nodeId !== nodeId || !o.reply || !o.reply.missing.delete(objectId)) continue;
      if (o.reply.missing.size === 0) this.completeReply(o);
    }
  }

  private completeReply(o: Outstanding): void {
    const reply = o.reply;
    if (!reply || reply.missing.size > 0 || o.result || this.outstanding.get(o.messageId) !== o) return;
    const objects = new Map<string, Uint8Array>();
    for (const id of reply.objectIds) {
      const c = this.store.get(id);
      if (c instanceof Uint8Array) objects.set(id, c);
    }
    this.store.release(reply.objectIds);
    o.reply = undefined;
    let message: FleetMessage;
    try {
      message = inflateMessage(reply.messageId, objects, { idsVerified: true }); // put() hashed each on arrival
      const m = message.metadata;
      if (m.replyToMessageId !== o.messageId || m.srcNodeId !== o.nodeId || m.runId !== this.options.run.runId) {
        throw new Error('the Message object metadata does not match the announced reply');
      }
      if (reply.body !== (message.error ? 'error' : 'content'))
        throw new Error(
          `the reply's envelope says '${reply.body}' but its Message object carries ${message.error ? 'an error' : 'content'}`,
        );
    } catch (err) {
      this.emit('reply-refused', {
        nodeId: o.nodeId,
        replyToMessageId: o.messageId,
        reason: `bad reply content: ${(err as Error).message}`,
      });
      return; // keep waiting: the node may push a correct reply before the deadline
    }
    o.result = message;
    if (o.waiter) {
      clearTimeout(o.waiter.timer);
      o.waiter.resolve(this.handOut(o));
    }
  }
}

function publicKeyFingerprintSafe(pem: Uint8Array): string | undefined {
  try {
    return publicKeyFingerprint(pem);
  } catch {
    return undefined;
  }
}

function checkHeartbeatInterval(s: number): void {
  if (!(s > 0) || !Number.isFinite(s))
    throw new StatusError(status.INVALID_ARGUMENT, `heartbeat_interval must be a positive number of seconds, got ${s}`);
}
