/**
 * A TCP proxy for fault tests where netem is missing: it forwards every connection to a target,
 * delaying each chunk by `delayMs` in both directions (order kept), and can cut every open
 * connection at once (what a flapping link or a NAT timeout does to a gRPC channel).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    public delayMs = 0,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((inbound) => {
      const outbound = connect(this.target.port, this.target.host);
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      this.pipe(inbound, outbound);
      this.pipe(outbound, inbound);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** Forward `from` → `to`, each chunk `delayMs` late (timers of equal delay fire in order, so the order is kept and chunks pipeline). */
  private pipe(from: Socket, to: Socket): void {
    const later = (f: () => void) => (this.delayMs > 0 ? setTimeout(f, this.delayMs) : f());
    from.on('data', (chunk) => later(() => void (to.destroyed || to.write(chunk))));
    from.on('end', () => later(() => to.end()));
    from.on('close', () => later(() => to.destroy()));
  }

  /** Reset every open connection. */
  cut(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    return n;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
