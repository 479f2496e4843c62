import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { inheritKernels, registerKernelReplacing } from './kernel-registry.js';

const kernel = (kernelName: string, backendName: string, tag: string): tf.KernelConfig => ({
  kernelName,
  backendName,
  kernelFunc: () => {
    throw new Error(tag);
  },
});
const tagOf = (name: string, backend: string) => {
  try {
    tf.getKernel(name, backend)!.kernelFunc({ inputs: {}, attrs: {}, backend: undefined as never });
  } catch (e) {
    return (e as Error).message;
  }
  return 'stock';
};

describe('kernel registry: explicit registrations win whatever the order', () => {
  it('inheriting after an explicit registration keeps it; other names get the fallback', () => {
    registerKernelReplacing(kernel('Abs', 'registry-a', 'ours'));
    inheritKernels('cpu', 'registry-a', (c) => ({ ...kernel(c.kernelName, 'registry-a', 'fallback') }));
    expect(tagOf('Abs', 'registry-a')).toBe('ours');
    expect(tagOf('Exp', 'registry-a')).toBe('fallback');
    expect(tf.getKernelsForBackend('registry-a').length).toBe(tf.getKernelsForBackend('cpu').length);
  });

  it('an explicit registration after inheriting replaces the fallback, and a later one replaces it again', () => {
    inheritKernels('cpu', 'registry-b');
    expect(tf.getKernel('Abs', 'registry-b')!.kernelFunc).toBe(tf.getKernel('Abs', 'cpu')!.kernelFunc);
    registerKernelReplacing(kernel('Abs', 'registry-b', 'first'));
    expect(tagOf('Abs', 'registry-b')).toBe('first');
    const second = kernel('Abs', 'registry-b', 'second');
    registerKernelReplacing(second);
    registerKernelReplacing(second);
    expect(tagOf('Abs', 'registry-b')).toBe('second');
  });
});
