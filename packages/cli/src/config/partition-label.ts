/** How reports name a client split other than the Dirichlet/--iid ones they already spell out (undefined for those). */
export function schemeLabel(d: {
  readonly partition?: string;
  readonly shardsPerClient: number;
  readonly classesPerClient: number;
  readonly classAssignment: string;
}): string | undefined {
  switch (d.partition) {
    case 'iid':
      return 'IID';
    case 'shard':
      return `shards (${d.shardsPerClient} per client)`;
    case 'pathological':
      return `pathological (${d.classesPerClient} classes per client, ${d.classAssignment})`;
    default:
      return undefined;
  }
}
