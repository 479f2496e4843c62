/**
 * grpc-js paths and codecs of the ServerAppIo methods, from the protobuf-es service description, so the
 * wire paths ("/flwr.proto.ServerAppIo/PushMessages", ...) come from `proto/flwr/proto/serverappio.proto`.
 */
import { type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { ServerAppIo } from '../gen/flwr/proto/serverappio_pb.js';

export type ServerAppIoMethods = typeof ServerAppIo.method;
export type ServerAppIoMethodName = keyof ServerAppIoMethods;
export type ServerAppIoRequest<K extends ServerAppIoMethodName> = MessageShape<ServerAppIoMethods[K]['input']>;
export type ServerAppIoResponse<K extends ServerAppIoMethodName> = MessageShape<ServerAppIoMethods[K]['output']>;

export interface ServerAppIoMethodCodec {
  /** The gRPC path, e.g. "/flwr.proto.ServerAppIo/GetNodes". */
  readonly path: string;
  /** Flower's method name ("GetNodes"), for error messages. */
  readonly name: string;
  readonly serializeRequest: (msg: unknown) => Buffer;
  readonly deserializeResponse: (buf: Buffer) => unknown;
}

function serializer<D extends DescMessage>(desc: D): (msg: unknown) => Buffer {
  return (msg) => {
    const bytes = toBinary(desc, msg as MessageShape<D>);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** Path and codecs of each ServerAppIo method, keyed by its camelCase name. */
export const SERVERAPPIO_CODECS = Object.fromEntries(
  ServerAppIo.methods.map((m) => [
    m.localName,
    {
      path: `/${ServerAppIo.typeName}/${m.name}`,
      name: m.name,
      serializeRequest: serializer(m.input),
      deserializeResponse: (buf: Buffer) => fromBinary(m.output, buf),
    },
  ]),
) as unknown as Record<ServerAppIoMethodName, ServerAppIoMethodCodec>;

export { ServerAppIo };
