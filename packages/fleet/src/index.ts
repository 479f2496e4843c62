/**
 * @fedloge/fleet: Flower's Fleet API (Flower >= 1.25) over gRPC, for TypeScript.
 * - FleetClient: the SuperNode side (join a Flower SuperLink or our FleetServer).
 * - FleetServer: an embedded SuperLink for our own server engine.
 * - ServerAppIoClient: the ServerApp side of a Flower SuperLink (its ServerAppIo API).
 * - Records and objects: RecordDict/FleetArrayRecord/MetricRecord/ConfigRecord and Flower's content-addressed
 *   object encoding (.npy arrays in ≤ 5 MiB chunks, SHA-256 ids).
 * - Node auth: P-384 keys, signed timestamps in call metadata.
 * The wire-level helpers behind these (message envelopes and their checks, object trees and ids, the
 * signed call metadata, the .npy header) stay inside the package: FleetClient, FleetServer and
 * ServerAppIoClient apply them.
 */
export type { ArrayData, ArrayDType } from './records/dtype.js';
export { arrayBytes, elementCount, type FleetArray, fleetArray } from './records/fleet-array.js';
export { decodeNpy, encodeNpy } from './records/npy.js';
export { encodeNpz } from './records/npz.js';
export {
  arrayRecord,
  type ConfigRecord,
  configRecord,
  type ConfigValue,
  type FleetArrayRecord,
  type FleetRecord,
  type MetricRecord,
  metricRecord,
  type MetricValue,
  type RecordDict,
  recordDict,
} from './records/record-dict.js';
export {
  createReply,
  DEFAULT_TTL_S,
  ErrorCode,
  type FleetMessage,
  type MessageError,
  type MessageMetadata,
  MessageType,
  SUPERLINK_NODE_ID,
} from './message.js';
export {
  type DeflatedContent,
  deflateContent,
  type DeflatedMessage,
  deflateMessage,
  MAX_ARRAY_CHUNK_BYTES,
  STYPE_NUMPY,
} from './objects/deflate.js';
export { inflateMessage } from './objects/inflate.js';
export {
  generateNodeKey,
  loadNodeKey,
  loadNodeKeyFile,
  type NodeKey,
  parsePublicKey,
  publicKeyFingerprint,
  publicKeyPemOf,
} from './auth/node-key.js';
export { type ClientTlsOptions, DEFAULT_MAX_MESSAGE_BYTES, type ServerTlsOptions, tlsHandshakeProblem } from './grpc/tls.js';
export { backoffDelayMs, type RetryOptions } from './client/backoff.js';
/** gRPC status codes (FleetCallError.code), so callers need not depend on grpc-js. */
export { status as GrpcStatus } from '@grpc/grpc-js';
export {
  DEFAULT_HEARTBEAT_INTERVAL_S,
  FleetCallError,
  FleetClient,
  type FleetClientEvent,
  type FleetClientOptions,
  type PushReport,
  type RunInfo,
  type ScalarValue,
} from './client/fleet-client.js';
export {
  FleetServer,
  type FleetServerEvents,
  type FleetServerOptions,
  type NodeInfo,
  ReplyRefusedError,
  ReplyTimeoutError,
  type RunDescription,
  type SendOptions,
} from './server/fleet-server.js';
export {
  type AppInputs,
  type Instruction,
  type LinkRun,
  prepareInstruction,
  type PreparedInstruction,
  RunState,
  type RunStatusValue,
  RunSubState,
  ServerAppIoCallError,
  ServerAppIoClient,
  type ServerAppIoClientOptions,
  type ServerAppIoEvent,
  SuperLinkUnreachableError,
} from './serverappio/serverappio-client.js';
export { APP_HEARTBEAT, type AppHeartbeat, appHeartbeatDelayS, startAppHeartbeat } from './serverappio/app-heartbeat.js';
export { LOG_UPLOAD_INTERVAL_MS, type LogUploader, startLogUploader } from './serverappio/log-uploader.js';
