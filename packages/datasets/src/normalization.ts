/**
 * Per-channel normalisation constants: a pixel v ∈ [0, 255] of channel c becomes
 * (v / 255 − mean[c]) / std[c], as torchvision's ToTensor → Normalize does.
 */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Fashion-MNIST train-split statistics (mean and std of all 47M train pixels in [0, 1]). */
export const FASHION_MNIST_NORMALIZATION: Normalization = { mean: [0.286], std: [0.353] };

/**
 * The ImageNet constants. The FedLoGe reference normalises CIFAR-10 with these rather than with
 * CIFAR-10's own statistics (docs/data.md#transforms), so we do the same to stay comparable.
 */
export const IMAGENET_NORMALIZATION: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** CIFAR-100 train-split statistics, as used by the FedLoGe reference (docs/data.md#transforms). */
export const CIFAR100_NORMALIZATION: Normalization = {
  mean: [0.5070751592, 0.4865488733, 0.4409178434],
  std: [0.2673342859, 0.2564384629, 0.2761504713],
};

/**
 * Lookup table of the normalised value of every byte in every channel: `table[c * 256 + v]`.
 * Computed once in double precision, so the hot loop is a single load per pixel.
 */
export function normalizationTable(normalization: Normalization, channels: number): Float32Array {
  const { mean, std } = normalization;
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(`Normalisation has ${mean.length} means and ${std.length} stds but the images have ${channels} channel(s)`);
  }
  const table = new Float32Array(256 * channels);
  for (let c = 0; c < channels; c++) {
    if (!(std[c]! > 0)) throw new RangeError(`Normalisation std[${c}] must be positive but is ${std[c]}`);
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  }
  return table;
}
