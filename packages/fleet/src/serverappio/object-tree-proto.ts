/** ObjectTree protobuf ↔ our `ObjectTreeNode`, and a bounded-parallel loop for object transfers. */
import { create } from '@bufbuild/protobuf';
import { type ObjectTree, ObjectTreeSchema } from '../gen/flwr/proto/message_pb.js';
import type { ObjectTreeNode } from '../objects/object-content.js';

export function treeFromProto(t: ObjectTree): ObjectTreeNode {
  return { objectId: t.objectId, children: t.children.map(treeFromProto) };
}

export function treeToProto(t: ObjectTreeNode): ObjectTree {
  return create(ObjectTreeSchema, { objectId: t.objectId, children: t.children.map(treeToProto) });
}

/** Run `fn` over items with at most `limit` in flight; rejects on the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
