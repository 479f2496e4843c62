import { type ChannelCredentials, credentials, ServerCredentials } from '@grpc/grpc-js';

/** Client-side transport security. Without it the channel is plaintext (loopback and tests only). */
export interface ClientTlsOptions {
  /** PEM CA certificate(s) to trust for the server; system roots when absent. */
  readonly rootCerts?: Uint8Array;
  /** For mTLS: this node's PEM certificate chain and private key. */
  readonly certChain?: Uint8Array;
  readonly privateKey?: Uint8Array;
  /** Check the server certificate against this name instead of the host in the address. */
  readonly serverNameOverride?: string;
}

/** Server-side transport security. */
export interface ServerTlsOptions {
  readonly certChain: Uint8Array;
  readonly privateKey: Uint8Array;
  /** PEM CA certificate(s) client certificates must chain to (mTLS). */
  readonly clientRootCerts?: Uint8Array;
  /** Refuse clients without a valid certificate (mTLS). Default: true when clientRootCerts is given. */
  readonly requireClientCert?: boolean;
}

const buf = (b: Uint8Array | undefined): Buffer | null => (b === undefined ? null : Buffer.from(b));

export function channelCredentials(tls: ClientTlsOptions | undefined): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  if ((tls.certChain === undefined) !== (tls.privateKey === undefined)) {
    throw new Error('mTLS needs both certChain and privateKey (or neither for server-only TLS)');
  }
  return credentials.createSsl(buf(tls.rootCerts), buf(tls.privateKey), buf(tls.certChain));
}

export function serverCredentials(tls: ServerTlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const requireClientCert = tls.requireClientCert ?? tls.clientRootCerts !== undefined;
  if (requireClientCert && tls.clientRootCerts === undefined)
    throw new Error('requireClientCert needs clientRootCerts (the CA that signs client certificates)');
  return ServerCredentials.createSsl(
    buf(tls.clientRootCerts),
    [{ cert_chain: Buffer.from(tls.certChain), private_key: Buffer.from(tls.privateKey) }],
    requireClientCert,
  );
}

/** 512 MiB: far above any single call we make (objects are ≤ 5 MiB chunks) but never gRPC's 4 MiB default. */
export const DEFAULT_MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

export function messageSizeOptions(maxBytes: number): Record<string, number> {
  return { 'grpc.max_receive_message_length': maxBytes, 'grpc.max_send_message_length': maxBytes };
}

/**
 * A TLS handshake that fails the same way on every try (grpc-js reports it as UNAVAILABLE): what is
 * wrong and which flag fixes it, or undefined for a link that is merely down.
 */
export function tlsHandshakeProblem(details: string): string | undefined {
  if (/certificate required/i.test(details))
    return 'the server requires a client certificate (mTLS); give --tls-cert and --tls-key signed by its client CA';
  if (/self-signed certificate|unable to (get|verify)|certificate verify failed|unknown ca/i.test(details))
    return "the server's certificate is not signed by the --tls-ca given";
  if (/altnames|does not match certificate/i.test(details))
    return `the server's certificate does not name the address dialled (${details})`;
  if (/wrong version number|packet length too long/i.test(details))
    return 'the server does not speak TLS (started with --insecure?); connect with --insecure, or give the server a certificate';
  if (/bad certificate|certificate (unknown|revoked|expired)|handshake failure/i.test(details))
    return `the server refused this client's certificate (${details})`;
  return undefined;
}
