/**
 * Flower's own code for the interoperability tests: the Flower 1.26.0 source tree that
 * `../shared/peers/flower-1.26.0` ships (made importable with Debian's Python packages; its README
 * says how), unpacked once per machine into the temp folder. The harnesses in `harness/` are ours;
 * they import Flower's servicers, LinkState, ObjectStore, GrpcGrid, strategies and SuperNode loop
 * from that tree, so what the tests check is Flower's behaviour, not our reading of it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const FLOWER_VERSION = '1.26.0';
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TARBALL =
  process.env['FLOWER_SOURCE_TGZ'] ??
  join(REPO, '..', 'shared', 'peers', `flower-${FLOWER_VERSION}`, `flower-${FLOWER_VERSION}-patched.tgz`);
/** Debian's Python: the one whose grpcio/protobuf/numpy/cryptography Flower's tree was made to run with. */
export const FLOWER_PYTHON = process.env['FLEET_TEST_PYTHON'] ?? '/usr/bin/python3';
export const HARNESS_DIR = fileURLToPath(new URL('./harness/', import.meta.url));

export interface FlowerTree {
  /** `framework/py`: the folder holding the `flwr` package. */
  readonly py: string;
  readonly env: NodeJS.ProcessEnv;
}

function unpack(): FlowerTree | string {
  if (!existsSync(TARBALL)) return `Flower's source is not here (${TARBALL}; set FLOWER_SOURCE_TGZ)`;
  const digest = createHash('sha256').update(readFileSync(TARBALL)).digest('hex').slice(0, 12);
  const root = join(tmpdir(), `fedloge-flower-${FLOWER_VERSION}-${digest}`);
  if (!existsSync(join(root, 'flwr126'))) {
    // Unpack beside the final folder and rename: test files running in parallel never see half a tree.
    const staging = `${root}.${process.pid}.${Date.now()}`;
    mkdirSync(staging, { recursive: true });
    const tar = spawnSync('tar', ['-xzf', TARBALL, '-C', staging], { encoding: 'utf8' });
    if (tar.status !== 0) return `cannot unpack ${TARBALL}: ${tar.stderr || tar.error?.message}`;
    try {
      renameSync(staging, root);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another test file got there first
    }
  }
  const py = join(root, 'flwr126', 'framework', 'py');
  const env = { ...process.env, PYTHONPATH: `${join(root, 'pyshim')}:${py}`, PYTHONUNBUFFERED: '1' };
  const probe = spawnSync(FLOWER_PYTHON, ['-c', 'import flwr.server.app, flwr.supernode.start_client_internal, flwr.serverapp.strategy'], {
    cwd: py,
    env,
    encoding: 'utf8',
  });
  if (probe.error) return `${FLOWER_PYTHON} is not runnable (${probe.error.message})`;
  if (probe.status !== 0)
    return (
      `Flower ${FLOWER_VERSION} does not import with ${FLOWER_PYTHON}: ${probe.stderr.trim().split('\n').pop() ?? ''} ` +
      '(apt-get install python3-grpcio python3-protobuf python3-cryptography python3-numpy python3-typer python3-rich ' +
      'python3-tomli python3-tomli-w python3-pathspec python3-pycryptodome python3-sqlalchemy python3-alembic)'
    );
  return { py, env };
}

const tree = unpack();
/** Why Flower's code cannot run here (the tests skip with this line), or undefined. */
export const flowerMissing: string | undefined = typeof tree === 'string' ? tree : undefined;

export function flowerTree(): FlowerTree {
  if (typeof tree === 'string') throw new Error(tree);
  return tree;
}

export interface Harness {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line `<tag> <rest>`'s rest. */
  line(tag: string, timeoutMs?: number): Promise<string>;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Start `harness/<script>` with Flower's tree importable; its protocol is tagged stdout lines ("PORTS {...}", "RESULT {...}"). */
export function startHarness(script: string, args: readonly string[], cwd?: string): Harness {
  const { py, env } = flowerTree();
  const child = spawn(FLOWER_PYTHON, [join(HARNESS_DIR, script), ...args], { cwd: cwd ?? py, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    waiters.splice(0).forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => (resolve(code), waiters.splice(0).forEach((w) => w()))),
  );
  let over = false;
  void exited.then(() => (over = true));
  return {
    child,
    stderr: () => stderr,
    exited,
    async line(tag, timeoutMs = 300_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find((l) => l.startsWith(`${tag} `));
        if (hit) return hit.slice(tag.length + 1);
        if (over) throw new Error(`${script} exited before printing ${tag}:\n${stderr.slice(-4000)}`);
        if (Date.now() > until) throw new Error(`${script} printed no ${tag} within ${timeoutMs} ms:\n${stderr.slice(-4000)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    async stop() {
      if (!over) child.kill('SIGTERM');
      await exited;
    },
  };
}
