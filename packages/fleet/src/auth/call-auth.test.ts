import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pythonMissing, runPython } from '../__fixtures__/python.js';
import {
  PUBLIC_KEY_HEADER,
  pythonIsoTimestamp,
  SIGNATURE_HEADER,
  signedCallMetadata,
  TIMESTAMP_HEADER,
  verifyCallMetadata,
} from './call-auth.js';
import { generateNodeKey, loadNodeKey, publicKeyFingerprint } from './node-key.js';

describe('node keys and signed call metadata', () => {
  it('writes timestamps the way Python isoformat() does, with +00:00', () => {
    expect(pythonIsoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000+00:00');
  });

  it('makes P-384 keys with PEM SubjectPublicKeyInfo public keys', () => {
    const key = generateNodeKey();
    expect(key.privateKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    const pem = Buffer.from(key.publicKeyPem).toString('ascii');
    expect(pem.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
    expect(createPublicKey(pem).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
  });

  it('signs the timestamp with ECDSA-SHA256 (DER) under the three Flower metadata keys', () => {
    const key = generateNodeKey();
    const md = signedCallMetadata(key, Date.UTC(2026, 5, 1));
    const ts = md.get(TIMESTAMP_HEADER)[0] as string;
    expect(ts).toBe('2026-06-01T00:00:00.000000+00:00');
    const sig = md.get(SIGNATURE_HEADER)[0] as Buffer;
    expect(sig[0]).toBe(0x30); // DER SEQUENCE
    expect(
      verify('sha256', Buffer.from(ts, 'ascii'), { key: createPublicKey(md.get(PUBLIC_KEY_HEADER)[0] as Buffer), dsaEncoding: 'der' }, sig),
    ).toBe(true);
  });

  it('accepts timestamps from 305 s old to 5 s ahead only', () => {
    const key = generateNodeKey();
    const now = Date.UTC(2026, 5, 1, 12);
    const at = (offsetS: number) => verifyCallMetadata(signedCallMetadata(key, now - offsetS * 1000), { nowMs: now });
    expect(at(0).ok).toBe(true);
    expect(at(304).ok).toBe(true);
    expect(at(-4).ok).toBe(true);
    expect(at(306)).toMatchObject({ ok: false, reason: expect.stringMatching(/Invalid timestamp/) });
    expect(at(-6)).toMatchObject({ ok: false, reason: expect.stringMatching(/Invalid timestamp/) });
  });

  it('checks the allow-list by key, whatever the PEM formatting', () => {
    const key = generateNodeKey();
    const other = generateNodeKey();
    const allowed = new Set([publicKeyFingerprint(Buffer.from(key.publicKeyPem).toString().replace(/\n/g, '\r\n'))]);
    expect(verifyCallMetadata(signedCallMetadata(key), { allowedKeys: allowed }).ok).toBe(true);
    expect(verifyCallMetadata(signedCallMetadata(other), { allowedKeys: allowed })).toMatchObject({ ok: false, reason: /allow-list/ });
  });

  it('loads openssl-style SEC1 keys and refuses non-EC keys', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' });
    expect(loadNodeKey(sec1).privateKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(() => loadNodeKey(rsa, 'keys/node.pem')).toThrow(/keys\/node.pem: expected an EC key on a NIST curve/);
  });

  const missing = pythonMissing(['cryptography']);
  it.skipIf(missing !== undefined)('produces signatures python3-cryptography verifies, and verifies its signatures', () => {
    const key = generateNodeKey();
    const md = signedCallMetadata(key);
    const ts = md.get(TIMESTAMP_HEADER)[0] as string;
    const sig = (md.get(SIGNATURE_HEADER)[0] as Buffer).toString('base64');
    const pem = Buffer.from(key.publicKeyPem).toString('base64');
    const out = runPython(
      `import sys, base64, datetime
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
pem, ts, sig = sys.stdin.read().split()
pk = serialization.load_pem_public_key(base64.b64decode(pem))
pk.verify(base64.b64decode(sig), ts.encode('ascii'), ec.ECDSA(hashes.SHA256()))
datetime.datetime.fromisoformat(ts)
sk = ec.generate_private_key(ec.SECP384R1())
now = datetime.datetime.now(datetime.timezone.utc).isoformat()
print(base64.b64encode(sk.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)).decode(), now, base64.b64encode(sk.sign(now.encode('ascii'), ec.ECDSA(hashes.SHA256()))).decode())`,
      `${pem} ${ts} ${sig}`,
    )
      .toString()
      .trim()
      .split(' ');
    const [pyPem, pyTs, pySig] = out as [string, string, string];
    const md2 = signedCallMetadata(key);
    md2.set(PUBLIC_KEY_HEADER, Buffer.from(pyPem, 'base64'));
    md2.set(TIMESTAMP_HEADER, pyTs);
    md2.set(SIGNATURE_HEADER, Buffer.from(pySig, 'base64'));
    expect(verifyCallMetadata(md2)).toMatchObject({ ok: true });
  });
});
