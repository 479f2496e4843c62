import { describe, expect, it } from 'vitest';
import { batchNormKeys } from './batch-norm-keys.js';

describe('batchNormKeys', () => {
  it('finds every BatchNorm key of a ResNet block, the shortcut BatchNorm included', () => {
    const keys = [
      'backbone.conv1.weight',
      'backbone.bn1.gamma',
      'backbone.bn1.beta',
      'backbone.bn1.runningMean',
      'backbone.bn1.runningVar',
      'backbone.layer2.0.conv1.weight',
      'backbone.layer2.0.shortcut.0.weight',
      // The reference's substring test ("bn" in key) misses these four:
      'backbone.layer2.0.shortcut.1.gamma',
      'backbone.layer2.0.shortcut.1.beta',
      'backbone.layer2.0.shortcut.1.runningMean',
      'backbone.layer2.0.shortcut.1.runningVar',
      'head.weight',
      'head.bias',
    ];
    expect([...batchNormKeys(keys)].sort()).toEqual(
      [
        'backbone.bn1.beta',
        'backbone.bn1.gamma',
        'backbone.bn1.runningMean',
        'backbone.bn1.runningVar',
        'backbone.layer2.0.shortcut.1.beta',
        'backbone.layer2.0.shortcut.1.gamma',
        'backbone.layer2.0.shortcut.1.runningMean',
        'backbone.layer2.0.shortcut.1.runningVar',
      ].sort(),
    );
  });

  it('does not match a layer whose name merely starts like a BatchNorm layer', () => {
    // `bn1.` is a BatchNorm prefix; `bn10.` and `conv_bn.` are not, and must not be caught by it.
    const keys = ['bn1.runningMean', 'bn1.gamma', 'bn10.weight', 'conv_bn.weight'];
    expect([...batchNormKeys(keys)].sort()).toEqual(['bn1.gamma', 'bn1.runningMean']);
  });

  it('returns nothing for a network without BatchNorm (a 1-segment key cannot be a buffer)', () => {
    expect(batchNormKeys(['fc.weight', 'fc.bias', 'runningMean']).size).toBe(0);
  });
});
