import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

// Flower authenticates SuperNodes with elliptic-curve keys (NIST curves; P-384 by default). The public key
// travels as PEM-encoded SubjectPublicKeyInfo bytes; signatures are ECDSA over SHA-256 in DER form.

const NIST_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** A node's signing identity. */
export interface NodeKey {
  readonly privateKey: KeyObject;
  /** PEM SubjectPublicKeyInfo bytes, exactly what goes into RegisterNode and the auth metadata. */
  readonly publicKeyPem: Uint8Array;
}

export function publicKeyPemOf(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return new Uint8Array(Buffer.from(pub.export({ type: 'spki', format: 'pem' })));
}

function checkCurve(key: KeyObject, where: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve === undefined || !NIST_CURVES.has(curve)) {
    throw new Error(
      `${where}: expected an EC key on a NIST curve (P-256/P-384/P-521), got ${key.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim(),
    );
  }
}

/** A fresh P-384 key pair (what `flwr` generates for SuperNodes). */
export function generateNodeKey(): NodeKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  return { privateKey, publicKeyPem: publicKeyPemOf(privateKey) };
}

/** Load a PEM private key (PKCS#8 or SEC1, unencrypted), e.g. one made with `openssl ecparam -genkey -name secp384r1`. */
export function loadNodeKey(pem: string | Uint8Array, where = 'node key'): NodeKey {
  const privateKey = createPrivateKey({ key: Buffer.from(pem), format: 'pem' });
  checkCurve(privateKey, where);
  return { privateKey, publicKeyPem: publicKeyPemOf(privateKey) };
}

export function loadNodeKeyFile(path: string): NodeKey {
  return loadNodeKey(readFileSync(path), path);
}

/** Parse a PEM public key and check that it is an EC key on a NIST curve. */
export function parsePublicKey(pem: string | Uint8Array, where = 'public key'): KeyObject {
  const key = createPublicKey({ key: Buffer.from(pem), format: 'pem' });
  checkCurve(key, where);
  return key;
}

/** A canonical form of a public key (DER SPKI, hex) to compare keys whatever their PEM line breaks. */
export function publicKeyFingerprint(pem: string | Uint8Array | KeyObject): string {
  const key = typeof pem === 'string' || pem instanceof Uint8Array ? createPublicKey({ key: Buffer.from(pem), format: 'pem' }) : pem;
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' }).toString('hex');
}

/** ECDSA-SHA256 signature (DER) of `data`. */
export function signBytes(key: NodeKey, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' }));
}
