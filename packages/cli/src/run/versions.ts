/** Software versions recorded in summary.json. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { RunVersions } from '../output/summary.js';

/** This package's version, from its package.json (two levels up from src/run or dist/run). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

export function collectVersions(): RunVersions {
  return {
    fedloge: cliVersion(),
    node: process.versions.node,
    tfjs: tf.version_core,
    platform: `${process.platform}-${process.arch}`,
  };
}
