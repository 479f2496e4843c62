import { randomBytes } from 'node:crypto';
import { SUPERLINK_NODE_ID } from '../message.js';

/** What the link knows about one node. */
export interface NodeInfo {
  readonly nodeId: bigint;
  readonly publicKeyPem: Uint8Array;
  /** Canonical key form (DER SPKI hex) the node is looked up by. */
  readonly fingerprint: string;
  readonly online: boolean;
  /** Interval the node announced at activation / last heartbeat (s). */
  readonly heartbeatIntervalS: number;
  /** Epoch ms until which the node counts as online without another heartbeat. */
  readonly onlineUntilMs: number;
}

interface MutableNode {
  nodeId: bigint;
  publicKeyPem: Uint8Array;
  fingerprint: string;
  online: boolean;
  heartbeatIntervalS: number;
  onlineUntilMs: number;
}

export type NodeChange = { readonly kind: 'online' | 'offline' | 'registered' | 'unregistered'; readonly node: NodeInfo };

/**
 * Nodes by id and by key. A node is online from activation until no heartbeat came for `patience` × its
 * interval (Flower: 2×), or it deactivates.
 */
export class NodeRegistry {
  private readonly byId = new Map<bigint, MutableNode>();
  private readonly byKey = new Map<string, MutableNode>();

  constructor(
    private readonly patience: number,
    private readonly onChange: (change: NodeChange) => void,
  ) {}

  private snapshot(n: MutableNode): NodeInfo {
    return { ...n };
  }

  private newId(): bigint {
    for (;;) {
      const id = randomBytes(8).readBigUInt64BE() >> 1n; // stay within int64 too, for peers that store it signed
      if (id > SUPERLINK_NODE_ID && !this.byId.has(id)) return id;
    }
  }

  /** Register a key (idempotent: a key already known keeps its id). */
  register(fingerprint: string, publicKeyPem: Uint8Array): bigint {
    const known = this.byKey.get(fingerprint);
    if (known) return known.nodeId;
    const node: MutableNode = { nodeId: this.newId(), publicKeyPem, fingerprint, online: false, heartbeatIntervalS: 0, onlineUntilMs: 0 };
    this.byId.set(node.nodeId, node);
    this.byKey.set(fingerprint, node);
    this.onChange({ kind: 'registered', node: this.snapshot(node) });
    return node.nodeId;
  }

  idForKey(fingerprint: string): bigint | undefined {
    return this.byKey.get(fingerprint)?.nodeId;
  }

  get(nodeId: bigint): NodeInfo | undefined {
    const n = this.byId.get(nodeId);
    return n ? this.snapshot(n) : undefined;
  }

  /** Mark online until now + patience × interval (activation and heartbeats). */
  touch(nodeId: bigint, heartbeatIntervalS: number, nowMs = Date.now()): boolean {
    const n = this.byId.get(nodeId);
    if (!n) return false;
    n.heartbeatIntervalS = heartbeatIntervalS;
    n.onlineUntilMs = nowMs + this.patience * heartbeatIntervalS * 1000;
    if (!n.online) {
      n.online = true;
      this.onChange({ kind: 'online', node: this.snapshot(n) });
    }
    return true;
  }

  deactivate(nodeId: bigint): boolean {
    const n = this.byId.get(nodeId);
    if (!n) return false;
    n.onlineUntilMs = Math.min(n.onlineUntilMs, Date.now());
    if (n.online) {
      n.online = false;
      this.onChange({ kind: 'offline', node: this.snapshot(n) });
    }
    return true;
  }

  unregister(nodeId: bigint): boolean {
    const n = this.byId.get(nodeId);
    if (!n) return false;
    this.deactivate(nodeId);
    this.byId.delete(nodeId);
    this.byKey.delete(n.fingerprint);
    this.onChange({ kind: 'unregistered', node: this.snapshot(n) });
    return true;
  }

  /** Mark nodes whose heartbeats stopped as offline. */
  sweep(nowMs = Date.now()): void {
    for (const n of this.byId.values()) {
      if (n.online && n.onlineUntilMs < nowMs) {
        n.online = false;
        this.onChange({ kind: 'offline', node: this.snapshot(n) });
      }
    }
  }

  all(): NodeInfo[] {
    return [...this.byId.values()].map((n) => this.snapshot(n));
  }
}
