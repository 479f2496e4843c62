/**
 * Miniature copies of the large image data sets, written by the tests with sharp: ~20 classes
 * with a long tail (30 training images for class 0 down to 3 for class 19), small JPEGs, and the
 * list / annotation files in the official layouts. Every image of class c is the colour
 * `classColour(c)` framed by black bars on its long sides that a centre crop removes, so a test can
 * tell from the decoded pixels which class an image belongs to and that it was centre-cropped.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export const MINI_CLASSES = 20;
/** Train images per class: floor(30 · 0.1^(c/19)), a long tail with imbalance ratio 10. */
export const MINI_TRAIN_COUNTS = Array.from({ length: MINI_CLASSES }, (_, c) => Math.floor(30 * Math.pow(0.1, c / (MINI_CLASSES - 1))));
export const MINI_VAL_PER_CLASS = 2;
export const MINI_TEST_PER_CLASS = 4;

/** The colour of class c's images (distinct per class, far from black). */
export function classColour(c: number): [number, number, number] {
  return [40 + 10 * c, 230 - 9 * c, 60 + ((c * 53) % 150)];
}

/**
 * A 60 × 40 (landscape, even i) or 40 × 60 (portrait, odd i) JPEG of class c: its central 40 × 40
 * square in the class colour and black bars of 10 pixels on the long sides.
 */
export async function writeClassJpeg(path: string, c: number, i: number): Promise<void> {
  const landscape = i % 2 === 0;
  const [width, height] = landscape ? [60, 40] : [40, 60];
  const pixels = Buffer.alloc(width * height * 3);
  const colour = classColour(c);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const along = landscape ? x : y;
      if (along < 10 || along >= 50) continue;
      pixels.set(colour, (y * width + x) * 3);
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toFile(path);
}

export interface MiniatureImage {
  /** Relative to the miniature's image root. */
  readonly path: string;
  readonly label: number;
}

async function writeAll(root: string, images: readonly MiniatureImage[]): Promise<void> {
  for (let start = 0; start < images.length; start += 16) {
    await Promise.all(images.slice(start, start + 16).map((im, k) => writeClassJpeg(join(root, im.path), im.label, start + k)));
  }
}

const wnid = (c: number) => `n${String(c).padStart(8, '0')}`;
const listText = (images: readonly MiniatureImage[]) => images.map((im) => `${im.path} ${im.label}\n`).join('');

export interface ImageNetLtMiniature {
  /** The ImageNet root (train/, val/), with the list files in `root/ImageNet_LT/`. */
  readonly root: string;
  readonly listDir: string;
  readonly train: MiniatureImage[];
  readonly val: MiniatureImage[];
  readonly test: MiniatureImage[];
}

/** ImageNet-LT's layout: `train/<wnid>/<wnid>_<i>.JPEG`, `val/<wnid>/ILSVRC2012_val_<k>.JPEG` and the three lists. */
export async function writeImageNetLtMiniature(root = mkdtempSync(join(tmpdir(), 'fedloge-imagenet-lt-'))): Promise<ImageNetLtMiniature> {
  const train: MiniatureImage[] = [];
  const val: MiniatureImage[] = [];
  const test: MiniatureImage[] = [];
  let k = 0;
  for (let c = 0; c < MINI_CLASSES; c++) {
    for (let i = 0; i < MINI_TRAIN_COUNTS[c]!; i++) train.push({ path: `train/${wnid(c)}/${wnid(c)}_${1000 + i}.JPEG`, label: c });
    for (let i = 0; i < MINI_VAL_PER_CLASS + MINI_TEST_PER_CLASS; i++) {
      const image = { path: `val/${wnid(c)}/ILSVRC2012_val_${String(++k).padStart(8, '0')}.JPEG`, label: c };
      (i < MINI_VAL_PER_CLASS ? val : test).push(image);
    }
  }
  await writeAll(root, [...train, ...val, ...test]);
  const listDir = join(root, 'ImageNet_LT');
  mkdirSync(listDir, { recursive: true });
  // The official lists are not sorted by class; shuffle deterministically so nothing relies on order.
  const shuffled = (images: MiniatureImage[]) =>
    images
      .map((im, i) => ({ im, key: (i * 7919) % images.length }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.im);
  const lists = { train: shuffled(train), val: shuffled(val), test: shuffled(test) };
  writeFileSync(join(listDir, 'ImageNet_LT_train.txt'), listText(lists.train));
  writeFileSync(join(listDir, 'ImageNet_LT_val.txt'), listText(lists.val));
  writeFileSync(join(listDir, 'ImageNet_LT_test.txt'), listText(lists.test));
  return { root, listDir, ...lists };
}

export interface INaturalistMiniature {
  /** Holds `train_val2018/` and the two annotation files. */
  readonly root: string;
  readonly train: MiniatureImage[];
  readonly val: MiniatureImage[];
  /** Category id of class c (the ids are not the class numbers: classes follow the sorted ids). */
  readonly categoryIds: number[];
}

/**
 * iNaturalist 2018's layout: `train_val2018/<kingdom>/<category id>/<name>.jpg` and COCO-style
 * `train2018.json` / `val2018.json` with `info`, `licenses`, `images`, `annotations`, `categories`.
 * Category ids are 100, 103, 106, … listed in reverse order, so a loader must sort them.
 */
export async function writeINaturalistMiniature(root = mkdtempSync(join(tmpdir(), 'fedloge-inat-'))): Promise<INaturalistMiniature> {
  const categoryIds = Array.from({ length: MINI_CLASSES }, (_, c) => 100 + 3 * c);
  const kingdom = (c: number) => (c % 2 === 0 ? 'Plantae' : 'Animalia');
  const train: MiniatureImage[] = [];
  const val: MiniatureImage[] = [];
  let n = 0;
  for (let c = 0; c < MINI_CLASSES; c++) {
    const image = () => ({
      path: `train_val2018/${kingdom(c)}/${categoryIds[c]}/${(++n * 2654435761).toString(16).padStart(12, '0')}.jpg`,
      label: c,
    });
    for (let i = 0; i < MINI_TRAIN_COUNTS[c]!; i++) train.push(image());
    for (let i = 0; i < 3; i++) val.push(image());
  }
  await writeAll(root, [...train, ...val]);
  const categories = categoryIds.map((id, c) => ({ id, name: `Species ${c}`, kingdom: kingdom(c), supercategory: kingdom(c) })).reverse();
  const annotationFile = (images: MiniatureImage[], firstId: number) => ({
    info: { year: 2018, version: '1.0', description: 'miniature for tests' },
    licenses: [{ id: 1, name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' }],
    images: images.map((im, i) => ({ id: firstId + i, file_name: im.path, width: 60, height: 40, license: 1, rights_holder: 'test' })),
    annotations: images.map((im, i) => ({ id: firstId + i, image_id: firstId + i, category_id: categoryIds[im.label]! })),
    categories,
  });
  writeFileSync(join(root, 'train2018.json'), JSON.stringify(annotationFile(train, 1)));
  writeFileSync(join(root, 'val2018.json'), JSON.stringify(annotationFile(val, 500000)));
  return { root, train, val, categoryIds };
}

/** Cut a JPEG to its first 40 % (a truncated download). */
export function truncateFile(path: string): void {
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
}
