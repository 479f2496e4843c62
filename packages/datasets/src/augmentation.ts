import type { Rng } from '@fedloge/core/data';

/**
 * Train-time augmentation: torchvision's RandomCrop(size, padding, zero fill) followed by
 * RandomHorizontalFlip(0.5), the CIFAR recipe of the FedLoGe reference (docs/data.md#transforms).
 */
export interface AugmentationSpec {
  /** Zero padding on every side before cropping back to the original size; 0 disables the crop. */
  readonly cropPadding: number;
  /** Mirror left-right with probability 0.5. */
  readonly horizontalFlip: boolean;
}

/** RandomCrop(32, padding=4) + RandomHorizontalFlip(0.5). */
export const CIFAR_AUGMENTATION: AugmentationSpec = { cropPadding: 4, horizontalFlip: true };

/** One image's draw: where the crop window starts in the padded image, and whether to mirror. */
export interface AugmentationDraw {
  /** Row offset of the crop window in the padded image, in [0, 2·padding]. */
  readonly top: number;
  /** Column offset of the crop window in the padded image, in [0, 2·padding]. */
  readonly left: number;
  readonly flip: boolean;
}

/** Draw one image's augmentation in torchvision's order: crop row, crop column, then flip. */
export function drawAugmentation(spec: AugmentationSpec, rng: Rng): AugmentationDraw {
  const positions = 2 * spec.cropPadding + 1;
  const top = spec.cropPadding > 0 ? rng.int(positions) : 0;
  const left = spec.cropPadding > 0 ? rng.int(positions) : 0;
  const flip = spec.horizontalFlip ? rng.float() < 0.5 : false;
  return { top, left, flip };
}
