import { create } from '@bufbuild/protobuf';
import { type Metadata, MetadataSchema } from '../gen/flwr/proto/message_pb.js';
import type { MessageMetadata } from '../message.js';

export function metadataToProto(m: MessageMetadata): Metadata {
  return create(MetadataSchema, {
    runId: m.runId,
    messageId: m.messageId,
    srcNodeId: m.srcNodeId,
    dstNodeId: m.dstNodeId,
    replyToMessageId: m.replyToMessageId,
    groupId: m.groupId,
    ttl: m.ttl,
    messageType: m.messageType,
    createdAt: m.createdAt,
  });
}

export function metadataFromProto(p: Metadata): MessageMetadata {
  return {
    runId: p.runId,
    messageId: p.messageId,
    srcNodeId: p.srcNodeId,
    dstNodeId: p.dstNodeId,
    replyToMessageId: p.replyToMessageId,
    groupId: p.groupId,
    ttl: p.ttl,
    messageType: p.messageType,
    createdAt: p.createdAt,
  };
}
