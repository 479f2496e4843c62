import { type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { Fleet } from '../gen/flwr/proto/fleet_pb.js';

// grpc-js needs a path and (de)serialisers per method; protobuf-es describes the service. This joins them, so
// the wire paths ("/flwr.proto.Fleet/PullMessages", ...) come from the .proto, not from hand-written strings.

export type FleetMethods = typeof Fleet.method;
export type FleetMethodName = keyof FleetMethods;
export type FleetRequest<K extends FleetMethodName> = MessageShape<FleetMethods[K]['input']>;
export type FleetResponse<K extends FleetMethodName> = MessageShape<FleetMethods[K]['output']>;

function serializer<D extends DescMessage>(desc: D): (msg: unknown) => Buffer {
  return (msg) => {
    const bytes = toBinary(desc, msg as MessageShape<D>);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer<D extends DescMessage>(desc: D): (buf: Buffer) => MessageShape<D> {
  return (buf) => fromBinary(desc, buf);
}

export interface FleetMethodCodec {
  readonly path: string;
  readonly serializeRequest: (msg: unknown) => Buffer;
  readonly deserializeRequest: (buf: Buffer) => unknown;
  readonly serializeResponse: (msg: unknown) => Buffer;
  readonly deserializeResponse: (buf: Buffer) => unknown;
}

/** Wire path and codecs of each Fleet method, keyed by its camelCase name. */
export const FLEET_CODECS = Object.fromEntries(
  Fleet.methods.map((m) => [
    m.localName,
    {
      path: `/${Fleet.typeName}/${m.name}`,
      serializeRequest: serializer(m.input),
      deserializeRequest: deserializer(m.input),
      serializeResponse: serializer(m.output),
      deserializeResponse: deserializer(m.output),
    },
  ]),
) as unknown as Record<FleetMethodName, FleetMethodCodec>;

/** The Fleet service for `grpc.Server.addService`. */
export const FLEET_SERVICE_DEFINITION: ServiceDefinition = Object.fromEntries(
  Object.entries(FLEET_CODECS).map(([name, c]) => [
    name,
    {
      path: c.path,
      requestStream: false,
      responseStream: false,
      requestSerialize: c.serializeRequest,
      requestDeserialize: c.deserializeRequest,
      responseSerialize: c.serializeResponse,
      responseDeserialize: c.deserializeResponse,
    },
  ]),
);

export { Fleet };
