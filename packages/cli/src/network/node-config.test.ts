import { describe, expect, it } from 'vitest';
import { UsageError } from '../config/errors.js';
import { parseNodeConfig, partitionIdOf } from './node-config.js';

describe('--node-config', () => {
  it("reads Flower's space-separated TOML pairs and comma-separated ones alike", () => {
    const flower = parseNodeConfig('partition-id=3 num-partitions=10 name="site a" lr=0.05 fast=true big=1_000');
    expect(flower).toEqual({ 'partition-id': 3, 'num-partitions': 10, name: 'site a', lr: 0.05, fast: true, big: 1000 });
    expect(parseNodeConfig("partition-id=3,num-partitions=10,tag='x'")).toEqual({ 'partition-id': 3, 'num-partitions': 10, tag: 'x' });
    expect(partitionIdOf(flower)).toBe(3);
    expect(partitionIdOf({})).toBeUndefined();
  });

  it('refuses unquoted words, repeats, garbage and a bad partition-id, saying how to write it', () => {
    expect(() => parseNodeConfig('name=site')).toThrow(/quote strings, e\.g\. name="site"/);
    expect(() => parseNodeConfig('a=1 a=2')).toThrow(/'a' is given twice/);
    expect(() => parseNodeConfig('partition-id')).toThrow(UsageError);
    expect(() => parseNodeConfig('a=1 oops')).toThrow(/expected key=value pairs/);
    expect(() => partitionIdOf({ 'partition-id': 1.5 })).toThrow(/integer >= 0/);
  });
});
