/**
 * The config keys a Flower ServerApp sends that a fedloge client honours, and what they set.
 * Flower's FedAvg-family strategies put `train_config` (e.g. `ConfigRecord({"lr": 0.01})` in
 * Flower's PyTorch template, server.pytorch_msg_api.py.tpl) into each train message's "config"
 * record, FedProx adds "proximal-mu" (flwr/serverapp/strategy/fedprox.py), and Flower's template
 * ClientApps read "local-epochs" and "batch-size" from the run config (`context.run_config`).
 *
 * `FLOWER_CONFIG_KEYS` is the one table: `trainOverrides` maps with it and
 * `flowerConfigKeysMarkdown` writes docs/flower-config-keys.md from it (flower-config-keys.test.ts
 * checks the page is current; `FLOWER_KEYS_DOC_WRITE=1 npx vitest run packages/cli/src/network/flower-config-keys.test.ts`
 * rewrites it). Precedence: the message's "config" > the run config > the client's `--config`.
 */
import { z } from 'zod';
import type { TaskOverrides, TrainConfig } from '@fedloge/core';
import type { ConfigValue } from './task-messages.js';
import { KEY } from './task-messages.js';

/** One Flower config key and the option of ours it sets. */
export interface FlowerConfigKey {
  /** The key as Flower spells it. */
  readonly key: string;
  /** Our option, as written in a run config (`train.lr`) or a strategy's options (`strategy.options.mu`). */
  readonly option: string;
  /** What the value must be, in words (the check below). */
  readonly type: string;
  readonly check: z.ZodType<number>;
  readonly description: string;
  /** Only these strategies have the option; for any other the key is an error. */
  readonly strategies?: readonly string[];
  /** Put the checked value into the task's overrides. */
  readonly apply: (value: number, into: MutableOverrides) => void;
}

interface MutableOverrides {
  train: { -readonly [K in keyof TrainConfig]?: TrainConfig[K] };
  strategyOptions: Record<string, unknown>;
}

/** The checks match the run config's schema (config/schema.ts, `train`) and FedProx's options. */
export const FLOWER_CONFIG_KEYS: readonly FlowerConfigKey[] = [
  {
    key: 'lr',
    option: 'train.lr',
    type: 'number > 0',
    check: z.number().gt(0),
    description: "SGD learning rate (Flower's templates send it in the train config).",
    apply: (v, into) => void (into.train.lr = v),
  },
  {
    key: 'local-epochs',
    option: 'train.localEpochs',
    type: 'integer >= 1',
    check: z.int().min(1),
    description: "Local epochs per round (Flower's templates read it from the run config).",
    apply: (v, into) => void (into.train.localEpochs = v),
  },
  {
    key: 'batch-size',
    option: 'train.batchSize',
    type: 'integer >= 1',
    check: z.int().min(1),
    description: 'Local mini-batch size.',
    apply: (v, into) => void (into.train.batchSize = v),
  },
  {
    key: 'momentum',
    option: 'train.momentum',
    type: 'number in [0, 1)',
    check: z.number().min(0).lt(1),
    description: 'SGD momentum (PyTorch semantics), reset every round.',
    apply: (v, into) => void (into.train.momentum = v),
  },
  {
    key: 'weight-decay',
    option: 'train.weightDecay',
    type: 'number >= 0',
    check: z.number().min(0),
    description: 'L2 weight decay added to the gradient.',
    apply: (v, into) => void (into.train.weightDecay = v),
  },
  {
    key: 'proximal-mu',
    option: 'strategy.options.mu',
    type: 'number >= 0',
    check: z.number().min(0),
    description: "FedProx's proximal weight μ (Flower's FedProx sends it in every train config).",
    strategies: ['fedprox'],
    apply: (v, into) => void (into.strategyOptions['mu'] = v),
  },
];

/** Keys of Flower's own or of our messages that carry no training option (not "unknown"). */
const MESSAGE_KEYS: ReadonlySet<string> = new Set([KEY.round, KEY.clientId, KEY.run, KEY.returnState]);

/** Where a config value came from, for error messages, strongest first. */
export type ConfigSource = 'message' | 'run';

const SOURCE_TEXT: Record<ConfigSource, string> = {
  message: `the message's "config" record`,
  run: 'the run config',
};

/** A key with a value we cannot use: names the key, the value, where it came from and what it must be. */
export class FlowerConfigError extends Error {
  override readonly name = 'FlowerConfigError';
}

export interface MappedConfig {
  /** The task's overrides; undefined when no key applies (the task runs on the client's own settings). */
  readonly overrides: TaskOverrides | undefined;
  /** Keys no entry of the table knows (ignored), in order of first appearance. */
  readonly unknown: readonly string[];
}

/**
 * Map a train message's config and the run config onto task overrides for `strategy`. A key in
 * the message wins over the same key in the run config; anything unset keeps the client's
 * `--config` value. Throws `FlowerConfigError` for a bad value, or for a key whose option the
 * strategy does not have (e.g. "proximal-mu" for FedAvg).
 */
export function trainOverrides(
  message: Readonly<Record<string, ConfigValue>>,
  run: Readonly<Record<string, ConfigValue>>,
  strategy: string,
): MappedConfig {
  const into: MutableOverrides = { train: {}, strategyOptions: {} };
  const unknown: string[] = [];
  const known = new Map(FLOWER_CONFIG_KEYS.map((entry) => [entry.key, entry]));
  for (const record of [message, run]) {
    for (const key of Object.keys(record)) {
      if (!known.has(key) && !MESSAGE_KEYS.has(key) && !key.startsWith('fedloge.') && !unknown.includes(key)) unknown.push(key);
    }
  }
  for (const entry of FLOWER_CONFIG_KEYS) {
    const source: ConfigSource | undefined = entry.key in message ? 'message' : entry.key in run ? 'run' : undefined;
    if (!source) continue;
    const value = (source === 'message' ? message : run)[entry.key]!;
    if (entry.strategies && !entry.strategies.includes(strategy)) {
      throw new FlowerConfigError(
        `'${entry.key}' = ${JSON.stringify(value)} in ${SOURCE_TEXT[source]} sets ${entry.option}, but strategy '${strategy}' has no such option ` +
          `(${entry.key === 'proximal-mu' ? 'it has no proximal term; ' : ''}only ${entry.strategies.join(', ')} ${entry.strategies.length > 1 ? 'have' : 'has'} it). ` +
          `Run this client with strategy ${entry.strategies[0]} in its --config, or leave '${entry.key}' out of the server's config.`,
      );
    }
    const parsed = entry.check.safeParse(value);
    if (!parsed.success) {
      throw new FlowerConfigError(
        `'${entry.key}' in ${SOURCE_TEXT[source]} is ${JSON.stringify(value)} (${typeof value}); expected ${entry.type} for ${entry.option}. ` +
          `Fix the value where the server sets it (a Flower ServerApp's train_config or its pyproject.toml [tool.flwr.app.config]).`,
      );
    }
    entry.apply(parsed.data, into);
  }
  const hasTrain = Object.keys(into.train).length > 0;
  const hasStrategy = Object.keys(into.strategyOptions).length > 0;
  const overrides =
    hasTrain || hasStrategy
      ? { ...(hasTrain ? { train: into.train } : {}), ...(hasStrategy ? { strategyOptions: into.strategyOptions } : {}) }
      : undefined;
  return { overrides, unknown };
}

/** docs/flower-config-keys.md, generated from `FLOWER_CONFIG_KEYS`. */
export function flowerConfigKeysMarkdown(): string {
  const rows = FLOWER_CONFIG_KEYS.map(
    (e) =>
      `| \`${e.key}\` | \`${e.option}\` | ${e.type} | ${e.description}${e.strategies ? ` Only for ${e.strategies.join(', ')}; an error for other strategies.` : ''} |`,
  );
  return [
    '# Flower config keys a fedloge client honours',
    '',
    '<!-- Generated from packages/cli/src/network/flower-config-keys.ts (FLOWER_CONFIG_KEYS); do not edit by hand.',
    '     Rewrite: FLOWER_KEYS_DOC_WRITE=1 npx vitest run packages/cli/src/network/flower-config-keys.test.ts -->',
    '',
    'When a Flower ServerApp drives `fedloge client`, these keys of a train message\'s "config" record',
    "(a strategy's `train_config`, plus what the strategy adds, e.g. FedProx's `proximal-mu`) and of the",
    "run config (`[tool.flwr.app.config]`, `flwr run --run-config`) set the client's training options",
    "for that task. A key in the message wins over the run config, which wins over the client's own",
    '`--config`. Other keys are ignored (logged once per run, by name); a bad value gets an Error',
    'reply that names the key and the value.',
    '',
    '| Flower key | fedloge option | value | what it sets |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
