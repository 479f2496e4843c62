import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import type { Metadata } from '@grpc/grpc-js';
import { Client, type ServiceError, status } from '@grpc/grpc-js';
import { signedCallMetadata } from '../auth/call-auth.js';
import { generateNodeKey, type NodeKey } from '../auth/node-key.js';
import { ObjectTreeSchema, type ObjectTree } from '../gen/flwr/proto/message_pb.js';
import type { Scalar } from '../gen/flwr/proto/transport_pb.js';
import {
  Fleet,
  FLEET_CODECS,
  type FleetMethodName,
  type FleetMethods,
  type FleetRequest,
  type FleetResponse,
} from '../grpc/fleet-service.js';
import {
  channelCredentials,
  type ClientTlsOptions,
  DEFAULT_MAX_MESSAGE_BYTES,
  messageSizeOptions,
  tlsHandshakeProblem,
} from '../grpc/tls.js';
import type { FleetMessage } from '../message.js';
import { deflateMessage, MAX_ARRAY_CHUNK_BYTES } from '../objects/deflate.js';
import { inflateMessage } from '../objects/inflate.js';
import { envelopeBody, messageEnvelope } from '../objects/message-envelope.js';
import { type ObjectTreeNode, postOrderIds } from '../objects/object-content.js';
import { backoffDelayMs, DEFAULT_RETRY, type RetryOptions, sleep } from './backoff.js';

/** Flower's default heartbeat interval (seconds). */
export const DEFAULT_HEARTBEAT_INTERVAL_S = 30;

export interface FleetClientOptions {
  /** The link's Fleet API address, "host:port". */
  readonly address: string;
  /** This node's signing key; a fresh P-384 key when absent (then the node is new on every start). */
  readonly key?: NodeKey;
  /** TLS / mTLS; plaintext when absent. */
  readonly tls?: ClientTlsOptions;
  /** Heartbeat interval announced to the link (s); the link marks the node offline after 2× this. Default 30. */
  readonly heartbeatIntervalS?: number;
  /** Deadline of every call (ms). Default 60 000. */
  readonly callTimeoutMs?: number;
  /** gRPC receive/send limit (bytes). Default 512 MiB. */
  readonly maxMessageBytes?: number;
  /** Reconnect policy for calls that fail because the link is unreachable. */
  readonly retry?: RetryOptions;
  /** Call RegisterNode before ActivateNode (true unless the node was registered out of band, e.g. by `flwr`). */
  readonly selfRegister?: boolean;
  /** Objects pulled or pushed in parallel. Default 4. */
  readonly parallelObjects?: number;
  /** Array chunk size when deflating replies (default and maximum: Flower's 5 MiB). */
  readonly chunkBytes?: number;
  /** Diagnostics: retries, heartbeat failures, re-registration. */
  readonly onEvent?: (event: FleetClientEvent) => void;
}

export type FleetClientEvent =
  | { readonly type: 'retry'; readonly method: string; readonly attempt: number; readonly delayMs: number; readonly error: string }
  | { readonly type: 'heartbeat-failed'; readonly error: string }
  | { readonly type: 're-registered'; readonly nodeId: bigint };

/** A scalar of the run config served by GetRun. */
export type ScalarValue = number | bigint | boolean | string | Uint8Array;

export interface RunInfo {
  readonly runId: bigint;
  readonly fabId: string;
  readonly fabVersion: string;
  readonly fabHash: string;
  readonly config: ReadonlyMap<string, ScalarValue>;
  /** Flower's run status: "pending", "starting", "running" or "finished" (sub-status "completed", "failed", "stopped"). */
  readonly status: { readonly status: string; readonly subStatus: string; readonly details: string };
}

export interface PushReport {
  readonly messageId: string;
  /** Objects the link asked for and received. */
  readonly objectsPushed: number;
  /** Objects of the reply the link already had (deduplicated or from an interrupted earlier push). */
  readonly objectsSkipped: number;
  readonly bytesPushed: number;
}

/** A failed Fleet call, with its gRPC status. */
export class FleetCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: status,
    readonly details: string,
  ) {
    super(`Fleet ${method} failed: ${status[code] ?? code} (${details})`);
    this.name = 'FleetCallError';
  }
}

/** Link unreachable or call timed out: retry with backoff. */
const RETRYABLE: ReadonlySet<status> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.ABORTED]);

export function scalarFromProto(s: Scalar): ScalarValue {
  if (s.scalar.case === undefined) throw new Error('run config scalar carries no value');
  return s.scalar.value;
}

function treeFromProto(t: ObjectTree): ObjectTreeNode {
  return { objectId: t.objectId, children: t.children.map(treeFromProto) };
}

function treeToProto(t: ObjectTreeNode): ObjectTree {
  return create(ObjectTreeSchema, { objectId: t.objectId, children: t.children.map(treeToProto) });
}

/** Run `fn` over items with at most `limit` in flight; rejects on the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The SuperNode side of Flower's Fleet API: registers and activates a node, keeps it alive with heartbeats,
 * pulls instructions with their objects and pushes replies with only the objects the link lacks.
 */
export class FleetClient {
  readonly key: NodeKey;
  private readonly grpc: Client;
  private readonly opts: Required<Omit<FleetClientOptions, 'key' | 'tls' | 'onEvent' | 'retry'>> & { retry: Required<RetryOptions> };
  private currentNodeId: bigint | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FleetClientOptions) {
    this.key = options.key ?? generateNodeKey();
    const chunkBytes = options.chunkBytes ?? MAX_ARRAY_CHUNK_BYTES;
    if (chunkBytes > MAX_ARRAY_CHUNK_BYTES)
      throw new Error(`chunkBytes ${chunkBytes} exceeds Flower's ${MAX_ARRAY_CHUNK_BYTES}-byte chunk limit`);
    this.opts = {
      address: options.address,
      heartbeatIntervalS: options.heartbeatIntervalS ?? DEFAULT_HEARTBEAT_INTERVAL_S,
      callTimeoutMs: options.callTimeoutMs ?? 60_000,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      selfRegister: options.selfRegister ?? true,
      parallelObjects: options.parallelObjects ?? 4,
      chunkBytes,
      retry: { ...DEFAULT_RETRY, ...options.retry },
    };
    const channelOptions: Record<string, string | number> = { ...messageSizeOptions(this.opts.maxMessageBytes) };
    if (options.tls?.serverNameOverride) channelOptions['grpc.ssl_target_name_override'] = options.tls.serverNameOverride;
    this.grpc = new Client(options.address, channelCredentials(options.tls), channelOptions);
  }

  /** The node id the link assigned; throws before connect(). */
  get nodeId(): bigint {
    if (this.currentNodeId === undefined) throw new Error('FleetClient is not connected: call connect() first');
    return this.currentNodeId;
  }

  private emit(event: FleetClientEvent): void {
    this.options.onEvent?.(event);
  }

  /** One signed call with a deadline, no retries. */
  private callOnce<K extends FleetMethodName>(
    method: K,
    request: FleetRequest<K>,
    timeoutMs = this.opts.callTimeoutMs,
  ): Promise<FleetResponse<K>> {
    const codec = FLEET_CODECS[method];
    const metadata: Metadata = signedCallMetadata(this.key);
    return new Promise((resolve, reject) => {
      this.grpc.makeUnaryRequest(
        codec.path,
        codec.serializeRequest as (r: FleetRequest<K>) => Buffer,
        codec.deserializeResponse as (b: Buffer) => FleetResponse<K>,
        request,
        metadata,
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, res?: FleetResponse<K>) => {
          if (err) reject(new FleetCallError(codec.path.split('/').pop() ?? method, err.code, err.details));
          else if (res === undefined) reject(new FleetCallError(method, status.INTERNAL, 'empty response'));
          else resolve(res);
        },
      );
    });
  }

  /**
   * A call retried with backoff while the link is unreachable. `build` gets the current node id, so a call
   * made after the node had to register again (the link restarted and forgot it) carries the new id.
   */
  private async call<K extends FleetMethodName>(
    method: K,
    build: (nodeId: bigint) => MessageInitShape<FleetMethods[K]['input']>,
  ): Promise<FleetResponse<K>> {
    const started = Date.now();
    let reRegistered = false;
    for (let attempt = 0; ; attempt++) {
      if (this.closed && method !== 'deactivateNode' && method !== 'unregisterNode') throw new Error('FleetClient is closed');
      const request = create(Fleet.method[method].input as DescMessage, build(this.currentNodeId ?? 0n) as never) as FleetRequest<K>;
      try {
        return await this.callOnce(method, request);
      } catch (err) {
        if (!(err instanceof FleetCallError)) throw err;
        // Our link answers NOT_FOUND for a key it has no node for (e.g. it restarted): register again once.
        if (err.code === status.NOT_FOUND && /unknown node/i.test(err.details) && !reRegistered && this.currentNodeId !== undefined) {
          reRegistered = true;
          await this.registerAndActivate();
          this.emit({ type: 're-registered', nodeId: this.nodeId });
          continue;
        }
        const delayMs = backoffDelayMs(attempt, this.opts.retry);
        // A TLS handshake that failed on a certificate fails the same way on every try (grpc-js says UNAVAILABLE).
        if (!RETRYABLE.has(err.code) || tlsHandshakeProblem(err.details) || Date.now() - started + delayMs > this.opts.retry.maxElapsedMs)
          throw err;
        this.emit({ type: 'retry', method, attempt, delayMs, error: err.message });
        await sleep(delayMs);
      }
    }
  }

  private async registerAndActivate(): Promise<void> {
    if (this.opts.selfRegister) await this.callOnceRetried('registerNode', { publicKey: this.key.publicKeyPem });
    const res = await this.callOnceRetried('activateNode', {
      publicKey: this.key.publicKeyPem,
      heartbeatInterval: this.opts.heartbeatIntervalS,
    });
    this.currentNodeId = res.nodeId;
  }

  /** Retry wrapper for calls that do not carry a node id (registration). */
  private async callOnceRetried<K extends 'registerNode' | 'activateNode'>(
    method: K,
    init: MessageInitShape<FleetMethods[K]['input']>,
  ): Promise<FleetResponse<K>> {
    const saved = this.currentNodeId;
    try {
      this.currentNodeId = undefined; // keep call() from re-registering inside registration
      return await this.call(method, () => init);
    } finally {
      if (this.currentNodeId === undefined) this.currentNodeId = saved;
    }
  }

  /** Register (if selfRegister) and activate the node, then start heartbeats. Returns the node id. */
  async connect(): Promise<bigint> {
    await this.registerAndActivate();
    this.scheduleHeartbeat();
    return this.nodeId;
  }

  /** One heartbeat now; false when the link did not acknowledge it. */
  async sendHeartbeat(): Promise<boolean> {
    const res = await this.callOnce(
      'sendNodeHeartbeat',
      create(Fleet.method.sendNodeHeartbeat.input, { node: { nodeId: this.nodeId }, heartbeatInterval: this.opts.heartbeatIntervalS }),
      Math.min(this.opts.callTimeoutMs, 5_000),
    );
    return res.success;
  }

  // Like Flower's SuperNode: ping at 0.8× the interval with ±10 % jitter, sooner after a failure.
  private scheduleHeartbeat(afterFailure = false): void {
    if (this.closed) return;
    const base = this.opts.heartbeatIntervalS * 1000 * (afterFailure ? 0.25 : 0.8);
    const delay = base * (1 + 0.1 * (2 * Math.random() - 1));
    this.heartbeatTimer = setTimeout(() => {
      this.sendHeartbeat().then(
        (ok) => {
          if (!ok) this.emit({ type: 'heartbeat-failed', error: 'heartbeat not acknowledged' });
          this.scheduleHeartbeat(!ok);
        },
        (err: unknown) => {
          this.emit({ type: 'heartbeat-failed', error: (err as Error).message });
          this.scheduleHeartbeat(true);
        },
      );
    }, delay);
    this.heartbeatTimer.unref();
  }

  /**
   * Pull the next instruction for this node, if any: PullMessages, then every object of its tree (leaves
   * first, ids verified), then ConfirmMessageReceived. Resolves undefined when nothing is waiting.
   */
  async pullMessage(): Promise<FleetMessage | undefined> {
    const res = await this.call('pullMessages', (nodeId) => ({ node: { nodeId } }));
    const wire = res.messagesList[0];
    const treeProto = res.messageObjectTrees[0];
    if (!wire || !treeProto) return undefined;
    const tree = treeFromProto(treeProto);
    if (!wire.metadata) throw new Error('the link sent a message without metadata');
    const runId = wire.metadata.runId;
    if (wire.metadata.messageId !== tree.objectId) {
      throw new Error(`pulled message id ${wire.metadata.messageId} differs from its object tree root ${tree.objectId}`);
    }
    const body = envelopeBody(wire);
    const ids = [...new Set(postOrderIds(tree))];
    const objects = new Map<string, Uint8Array>();
    await forEachLimited(ids, this.opts.parallelObjects, async (objectId) => {
      objects.set(objectId, await this.pullObject(runId, objectId));
    });
    await this.call('confirmMessageReceived', (nodeId) => ({ node: { nodeId }, runId, messageObjectId: tree.objectId }));
    const message = inflateMessage(tree.objectId, objects);
    // The inline marker and the Message object must agree (Flower sets one from the other).
    if (body !== (message.error ? 'error' : 'content'))
      throw new Error(
        `message ${tree.objectId}: its envelope says '${body}' but its Message object carries ${message.error ? 'an error' : 'content'}`,
      );
    return message;
  }

  /**
   * Poll until an instruction arrives (what a SuperNode's main loop does). Rejects after `timeoutMs` when
   * given, or when `signal` aborts. Polls every `pollIntervalMs` (default 250).
   */
  async nextMessage(
    options: { readonly pollIntervalMs?: number; readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
  ): Promise<FleetMessage> {
    const started = Date.now();
    for (;;) {
      if (options.signal?.aborted) throw new Error('nextMessage aborted');
      const msg = await this.pullMessage();
      if (msg) return msg;
      if (options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs) {
        throw new Error(`no instruction arrived within ${options.timeoutMs} ms`);
      }
      await sleep(options.pollIntervalMs ?? 250);
    }
  }

  private async pullObject(runId: bigint, objectId: string): Promise<Uint8Array> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const res = await this.call('pullObject', (nodeId) => ({ node: { nodeId }, runId, objectId }));
      if (!res.objectFound) throw new Error(`the link does not know object ${objectId}`);
      if (res.objectAvailable) return res.objectContent; // ids are verified when the message is inflated
      // Announced but not uploaded yet: wait and ask again.
      const delayMs = backoffDelayMs(attempt, this.opts.retry);
      if (Date.now() - started + delayMs > this.opts.retry.maxElapsedMs) throw new Error(`object ${objectId} stayed unavailable`);
      await sleep(delayMs);
    }
  }

  /**
   * Push a reply: PushMessages with the reply's metadata and object tree, then PushObject for exactly the ids
   * the link answers it still needs. Pushing the same reply again after an interruption sends only what the
   * link did not store yet (object ids are content hashes, so the reply must be the same FleetMessage).
   */
  async pushReply(reply: FleetMessage, clientappRuntimeS = 0): Promise<PushReport> {
    const deflated = deflateMessage(reply, this.opts.chunkBytes);
    const envelope = messageEnvelope({ ...reply.metadata, messageId: deflated.messageId }, reply.error);
    const runId = reply.metadata.runId;
    const res = await this.call('pushMessages', (nodeId) => ({
      node: { nodeId },
      messagesList: [envelope],
      messageObjectTrees: [treeToProto(deflated.tree)],
      clientappRuntimeList: [clientappRuntimeS],
    }));
    const wanted = new Set(res.objectsToPush);
    const order = [...deflated.objects.keys()].filter((id) => wanted.has(id)); // children before parents
    let bytesPushed = 0;
    await forEachLimited(order, this.opts.parallelObjects, async (objectId) => {
      const objectContent = deflated.objects.get(objectId) as Uint8Array;
      const r = await this.call('pushObject', (nodeId) => ({ node: { nodeId }, runId, objectId, objectContent }));
      if (!r.stored) throw new Error(`the link refused object ${objectId} (not announced for this message)`);
      bytesPushed += objectContent.length;
    });
    return {
      messageId: deflated.messageId,
      objectsPushed: order.length,
      objectsSkipped: deflated.objects.size - order.length,
      bytesPushed,
    };
  }

  /** The run description and config (GetRun). */
  async getRun(runId: bigint): Promise<RunInfo> {
    const res = await this.call('getRun', (nodeId) => ({ node: { nodeId }, runId }));
    const run = res.run;
    if (!run) throw new Error(`the link returned no run for run id ${runId}`);
    return {
      runId: run.runId,
      fabId: run.fabId,
      fabVersion: run.fabVersion,
      fabHash: run.fabHash,
      config: new Map(Object.entries(run.overrideConfig).map(([k, v]) => [k, scalarFromProto(v)])),
      status: { status: run.status?.status ?? '', subStatus: run.status?.subStatus ?? '', details: run.status?.details ?? '' },
    };
  }

  /** A Flower App Bundle by hash (GetFab): its bytes. */
  async getFab(fabHash: string, runId: bigint): Promise<Uint8Array> {
    const res = await this.call('getFab', (nodeId) => ({ node: { nodeId }, hashStr: fabHash, runId }));
    if (!res.fab) throw new Error(`the link returned no FAB for hash ${fabHash}`);
    return res.fab.content;
  }

  /** Stop heartbeats, deactivate (and, by default, unregister) the node, close the channel. Never throws. */
  async close(options: { readonly unregister?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    const nodeId = this.currentNodeId;
    if (nodeId !== undefined) {
      const quick = Math.min(this.opts.callTimeoutMs, 5_000);
      await this.callOnce('deactivateNode', create(Fleet.method.deactivateNode.input, { nodeId }), quick).catch(() => undefined);
      if (options.unregister ?? this.opts.selfRegister) {
        await this.callOnce('unregisterNode', create(Fleet.method.unregisterNode.input, { nodeId }), quick).catch(() => undefined);
      }
    }
    this.grpc.close();
  }
}
