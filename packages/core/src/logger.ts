/** Minimal logger so library code never writes to the console directly. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** Logs to stderr; `debug` only when `FEDLOGE_DEBUG` is set. */
export const consoleLogger: Logger = {
  info: (m) => console.error(m),
  warn: (m) => console.error(`warning: ${m}`),
  debug: (m) => {
    if (process.env['FEDLOGE_DEBUG']) console.error(`debug: ${m}`);
  },
};

/** Swallows everything (tests); `warnings` collects what `warn` received. */
export function silentLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return { info: () => {}, debug: () => {}, warn: (m) => void warnings.push(m), warnings };
}
