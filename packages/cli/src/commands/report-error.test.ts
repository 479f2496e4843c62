import { describe, expect, it } from 'vitest';
import { PluginError } from '@fedloge/core';
import { ConfigError, UsageError } from '../config/errors.js';
import { captureStream as sink } from '../__fixtures__/capture-stream.js';
import { reportError } from './report-error.js';

describe('reportError', () => {
  it.each([
    [new UsageError("Unknown flag '--x'."), "Unknown flag '--x'.\n"],
    [
      new ConfigError(['rounds: received 0; expected a number >= 1.']),
      'Invalid configuration:\n  - rounds: received 0; expected a number >= 1.\n',
    ],
    [
      new PluginError("Unknown strategy 'x'. Registered strategy plugins: fedavg."),
      "Unknown strategy 'x'. Registered strategy plugins: fedavg.\n",
    ],
  ])('input errors print their message alone and exit 2: %s', (error, printed) => {
    const out = sink();
    expect(reportError(error, out, {})).toBe(2);
    expect(out.text()).toBe(printed);
  });

  it('other failures exit 1, with the stack only when FEDLOGE_DEBUG is set', () => {
    const quiet = sink();
    expect(reportError(new Error('data set not found'), quiet, {})).toBe(1);
    expect(quiet.text()).toBe('error: data set not found\n(set FEDLOGE_DEBUG=1 for the stack trace)\n');
    const debug = sink();
    expect(reportError(new Error('boom'), debug, { FEDLOGE_DEBUG: '1' })).toBe(1);
    expect(debug.text()).toMatch(/^error: boom\nError: boom\n\s+at /);
  });
});
