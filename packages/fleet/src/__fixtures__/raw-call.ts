import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { Client, credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { Fleet, FLEET_CODECS, type FleetMethodName, type FleetMethods, type FleetResponse } from '../grpc/fleet-service.js';

/** One Fleet call with caller-made metadata (to send bad signatures, stale timestamps, partial uploads). */
export function rawCall<K extends FleetMethodName>(
  address: string,
  method: K,
  init: MessageInitShape<FleetMethods[K]['input']>,
  metadata: Metadata,
): Promise<FleetResponse<K>> {
  const client = new Client(address, credentials.createInsecure());
  const codec = FLEET_CODECS[method];
  const request = create(Fleet.method[method].input as DescMessage, init as never);
  return new Promise<FleetResponse<K>>((resolve, reject) => {
    client.makeUnaryRequest(
      codec.path,
      codec.serializeRequest,
      codec.deserializeResponse as (b: Buffer) => FleetResponse<K>,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (err: ServiceError | null, res?: FleetResponse<K>) => (err ? reject(err) : resolve(res as FleetResponse<K>)),
    );
  }).finally(() => client.close());
}
