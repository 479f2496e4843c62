/**
 * ParameterSet: the Module implementation every backbone and head builds on. It owns named
 * tf.Variables (trainable parameters and non-trainable buffers), converts them to and from
 * ArrayRecords with strict key/shape checks, and frees them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, type ArrayRecord } from '../arrays.js';
import type { Module } from './module.js';

/** `prefix.name`, or just `name` under an empty prefix (a module that is a single layer). */
export function stateKey(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** Numbers every ParameterSet, because tfjs variable names must be unique within a process. */
let nextInstance = 0;

export class ParameterSet implements Module {
  readonly params = new Map<string, tf.Variable>();
  readonly buffers = new Map<string, tf.Variable>();
  /** Prefix of this set's tfjs variable names (`<label>#<n>/`); state keys do not carry it. */
  readonly scope: string;
  private disposed = false;

  /** @param label names the module in tfjs variable names and error messages (e.g. `resnet8`). */
  constructor(readonly label: string) {
    this.scope = `${label}#${nextInstance++}/`;
  }

  /** Create a trainable parameter under state key `key`, initialised to `values`. */
  addParam(key: string, shape: readonly number[], values: Float32Array): tf.Variable {
    return this.add(this.params, true, key, shape, values);
  }

  /** Create a non-trainable buffer (e.g. BatchNorm running statistics) under state key `key`. */
  addBuffer(key: string, shape: readonly number[], values: Float32Array): tf.Variable {
    return this.add(this.buffers, false, key, shape, values);
  }

  /** The trainable variables, in creation order (what an optimiser receives). */
  trainableVariables(): tf.Variable[] {
    return [...this.params.values()];
  }

  exportState(): ArrayRecord {
    this.assertLive('exportState');
    const out: ArrayRecord = {};
    for (const [key, v] of this.entries()) out[key] = { shape: [...v.shape], data: new Float32Array(v.dataSync()) };
    return out;
  }

  loadState(state: ArrayRecord): void {
    this.assertLive('loadState');
    // Check everything before writing anything, so a bad state leaves the module unchanged.
    for (const [key, v] of this.entries()) {
      const entry = state[key];
      if (!entry) {
        const keys = Object.keys(state);
        throw new Error(
          `${this.label}.loadState: missing key '${key}' (shape [${v.shape.join(', ')}]); the state has ` +
            `${keys.length} keys (${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}). ` +
            `Was it exported from a different architecture?`,
        );
      }
      if (entry.shape.length !== v.shape.length || entry.shape.some((s, i) => s !== v.shape[i])) {
        throw new Error(`${this.label}.loadState: '${key}' has shape [${entry.shape.join(', ')}] but [${v.shape.join(', ')}] was expected`);
      }
      if (entry.data.length !== sizeOf(v.shape)) {
        throw new Error(
          `${this.label}.loadState: '${key}' holds ${entry.data.length} values but its shape [${v.shape.join(', ')}] needs ${sizeOf(v.shape)}`,
        );
      }
    }
    for (const [key, v] of this.entries()) {
      const entry = state[key]!;
      tf.tidy(() => v.assign(tf.tensor(entry.data, v.shape, 'float32')));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    for (const [, v] of this.entries()) v.dispose();
    this.params.clear();
    this.buffers.clear();
    this.disposed = true;
  }

  private *entries(): Iterable<[string, tf.Variable]> {
    yield* this.params;
    yield* this.buffers;
  }

  private add(
    into: Map<string, tf.Variable>,
    trainable: boolean,
    key: string,
    shape: readonly number[],
    values: Float32Array,
  ): tf.Variable {
    this.assertLive('add');
    if (this.params.has(key) || this.buffers.has(key)) throw new Error(`${this.label}: state key '${key}' is defined twice`);
    if (values.length !== sizeOf(shape)) {
      throw new Error(`${this.label}: '${key}' got ${values.length} initial values for shape [${shape.join(', ')}]`);
    }
    const v = tf.tidy(() => tf.variable(tf.tensor(values, [...shape], 'float32'), trainable, this.scope + key));
    into.set(key, v);
    return v;
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`${this.label}.${what}: the module was disposed`);
  }
}
