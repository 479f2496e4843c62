import { Metadata } from '@grpc/grpc-js';
import { verify } from 'node:crypto';
import { type NodeKey, parsePublicKey, publicKeyFingerprint, signBytes } from './node-key.js';

// Flower's node authentication: every Fleet call carries three metadata entries, the node's PEM public key,
// the current time as an ISO 8601 string and an ECDSA-SHA256 signature of that string's ASCII bytes. The link
// accepts a timestamp from 300 s + 5 s in the past to 5 s in the future (clock drift allowance).

export const PUBLIC_KEY_HEADER = 'flwr-public-key-bin';
export const SIGNATURE_HEADER = 'flwr-signature-bin';
export const TIMESTAMP_HEADER = 'flwr-timestamp';

export const TIMESTAMP_TOLERANCE_S = 300;
export const CLOCK_DRIFT_S = 5;

/**
 * The time as Python's `datetime.now(timezone.utc).isoformat()` prints it: microseconds (6 digits) and a
 * "+00:00" offset, never "Z" (Python < 3.11's fromisoformat rejects "Z").
 */
export function pythonIsoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.678Z
  return `${iso.slice(0, 23)}000+00:00`;
}

/** The signed metadata for one call. */
export function signedCallMetadata(key: NodeKey, nowMs = Date.now()): Metadata {
  const timestamp = pythonIsoTimestamp(nowMs);
  const md = new Metadata();
  md.set(PUBLIC_KEY_HEADER, Buffer.from(key.publicKeyPem));
  md.set(TIMESTAMP_HEADER, timestamp);
  md.set(SIGNATURE_HEADER, Buffer.from(signBytes(key, Buffer.from(timestamp, 'ascii'))));
  return md;
}

export type CallAuthResult =
  { readonly ok: true; readonly publicKeyPem: Uint8Array; readonly fingerprint: string } | { readonly ok: false; readonly reason: string };

/** Parse an ISO 8601 timestamp with an explicit offset (as Python writes it) into epoch milliseconds. */
function parseIsoTimestamp(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m || m[1] === undefined || m[3] === undefined) return undefined;
  const fraction = m[2] ? Number(`0${m[2]}`) * 1000 : 0;
  const base = Date.parse(`${m[1]}${m[3] === 'Z' ? '+00:00' : m[3]}`);
  return Number.isNaN(base) ? undefined : base + fraction;
}

function single(md: Metadata, key: string): string | Buffer | undefined {
  const values = md.get(key);
  return values.length === 1 ? values[0] : undefined;
}

export interface CallAuthPolicy {
  /** Fingerprints (see publicKeyFingerprint) of the keys allowed in; undefined lets any validly signed key in. */
  readonly allowedKeys?: ReadonlySet<string>;
  readonly nowMs?: number;
}

/** Check the auth metadata of an incoming call the way Flower's SuperLink does. */
export function verifyCallMetadata(md: Metadata, policy: CallAuthPolicy = {}): CallAuthResult {
  const pk = single(md, PUBLIC_KEY_HEADER);
  const ts = single(md, TIMESTAMP_HEADER);
  const sig = single(md, SIGNATURE_HEADER);
  if (!Buffer.isBuffer(pk) || typeof ts !== 'string' || !Buffer.isBuffer(sig))
    return { ok: false, reason: 'Missing authentication metadata' };
  let fingerprint: string;
  let validSignature: boolean;
  try {
    const key = parsePublicKey(pk);
    fingerprint = publicKeyFingerprint(key);
    validSignature = verify('sha256', Buffer.from(ts, 'ascii'), { key, dsaEncoding: 'der' }, sig);
  } catch (err) {
    return { ok: false, reason: `Invalid public key: ${(err as Error).message}` };
  }
  if (!validSignature) return { ok: false, reason: 'Invalid signature' };
  const sent = parseIsoTimestamp(ts);
  if (sent === undefined) return { ok: false, reason: `Invalid timestamp '${ts}'` };
  const ageS = ((policy.nowMs ?? Date.now()) - sent) / 1000;
  if (!(ageS > -CLOCK_DRIFT_S && ageS < TIMESTAMP_TOLERANCE_S + CLOCK_DRIFT_S)) {
    return {
      ok: false,
      reason: `Invalid timestamp: ${ageS.toFixed(1)} s old (accepted: -${CLOCK_DRIFT_S} to ${TIMESTAMP_TOLERANCE_S + CLOCK_DRIFT_S} s)`,
    };
  }
  if (policy.allowedKeys && !policy.allowedKeys.has(fingerprint)) return { ok: false, reason: 'Public key not in the allow-list' };
  return { ok: true, publicKeyPem: new Uint8Array(pk), fingerprint };
}
