/**
 * A network namespace joined to the host by a veth pair, for fault tests: processes started in it
 * reach the host at `hostIp`; the host side can be taken down or shaped with `tc` (tbf). Needs root
 * and iproute2; `netnsUnavailable()` says why not, for skipping.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface Netns {
  readonly name: string;
  readonly hostIp: string;
  readonly hostDev: string;
  /** Argument prefix that runs a command inside the namespace. */
  readonly exec: readonly string[];
  linkDown(): void;
  linkUp(): void;
  /** Token-bucket cap on traffic from the host into the namespace and back. */
  capBandwidth(mbit: number): void;
  remove(): void;
}

export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `ip netns does not work here (${r.error?.message ?? r.stderr.trim()})`;
  return undefined;
}

/** Create namespace `fe<id>` with veth `fe<id>h` (host, 10.<a>.<b>.1) ↔ `fe<id>c` (namespace, .2). */
export function createNetns(id: number): Netns {
  const name = `fe${id}`;
  const hostDev = `${name}h`;
  const nsDev = `${name}c`;
  const subnet = `10.${200 + (id % 50)}.${Math.floor(id / 50) % 250}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  spawnSync('ip', ['netns', 'del', name]);
  spawnSync('ip', ['link', 'del', hostDev]);
  ip('netns', 'add', name);
  ip('link', 'add', hostDev, 'type', 'veth', 'peer', 'name', nsDev);
  ip('link', 'set', nsDev, 'netns', name);
  ip('addr', 'add', `${subnet}.1/24`, 'dev', hostDev);
  ip('link', 'set', hostDev, 'up');
  ip('netns', 'exec', name, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', nsDev);
  ip('netns', 'exec', name, 'ip', 'link', 'set', nsDev, 'up');
  ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  return {
    name,
    hostIp: `${subnet}.1`,
    hostDev,
    exec: ['ip', 'netns', 'exec', name],
    linkDown: () => void ip('link', 'set', hostDev, 'down'),
    linkUp: () => void ip('link', 'set', hostDev, 'up'),
    capBandwidth: (mbit) => {
      execFileSync('tc', ['qdisc', 'replace', 'dev', hostDev, 'root', 'tbf', 'rate', `${mbit}mbit`, 'burst', '64kb', 'latency', '400ms']);
      execFileSync('ip', [
        'netns',
        'exec',
        name,
        'tc',
        'qdisc',
        'replace',
        'dev',
        nsDev,
        'root',
        'tbf',
        'rate',
        `${mbit}mbit`,
        'burst',
        '64kb',
        'latency',
        '400ms',
      ]);
    },
    remove: () => {
      spawnSync('ip', ['netns', 'del', name]);
      spawnSync('ip', ['link', 'del', hostDev]);
    },
  };
}
