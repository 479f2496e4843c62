/**
 * Annotation files in the COCO-style layout of the iNaturalist 2017–2021 competitions (Van Horn et
 * al., "The iNaturalist Species Classification and Detection Dataset", CVPR 2018): `images`
 * ({id, file_name}), `annotations` ({image_id, category_id}) and `categories` ({id, name}).
 */
import type { ImageListEntry } from './image-list-file.js';

/** A category as the annotation file names it. */
export interface CocoCategory {
  readonly id: number;
  readonly name: string;
}

/** The images of one annotation file, labelled by category id (not yet by class number). */
export interface CocoSplit {
  /** `label` is the category id here. */
  readonly entries: ImageListEntry[];
  readonly categories: CocoCategory[];
}

function fail(source: string, what: string): never {
  throw new Error(
    `${source}: ${what}; expected a COCO-style annotation file with "images", "annotations" and "categories" arrays (as train2018.json)`,
  );
}

function arrayField(json: Record<string, unknown>, field: string, source: string): Record<string, unknown>[] {
  const value = json[field];
  if (!Array.isArray(value)) fail(source, `"${field}" is ${value === undefined ? 'missing' : 'not an array'}`);
  return value as Record<string, unknown>[];
}

/**
 * Read one annotation file's parsed JSON: every annotated image with its category id, in the order
 * of `images`. An image without an annotation, or with two, is an error naming the image.
 */
export function parseCocoAnnotations(json: unknown, source: string): CocoSplit {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(source, 'the top level is not an object');
  const root = json as Record<string, unknown>;
  const images = arrayField(root, 'images', source);
  const annotations = arrayField(root, 'annotations', source);
  const categories = arrayField(root, 'categories', source).map((c, i) => {
    if (!Number.isInteger(c['id'])) fail(source, `categories[${i}].id is not an integer`);
    return { id: c['id'] as number, name: typeof c['name'] === 'string' ? c['name'] : String(c['id']) };
  });
  const categoryOf = new Map<number, number>();
  annotations.forEach((a, i) => {
    const imageId = a['image_id'];
    const categoryId = a['category_id'];
    if (!Number.isInteger(imageId) || !Number.isInteger(categoryId))
      fail(source, `annotations[${i}] lacks an integer image_id or category_id`);
    if (categoryOf.has(imageId as number)) fail(source, `image ${String(imageId)} has more than one annotation`);
    categoryOf.set(imageId as number, categoryId as number);
  });
  const entries = images.map((image, i) => {
    const id = image['id'];
    const file = image['file_name'];
    if (!Number.isInteger(id) || typeof file !== 'string') fail(source, `images[${i}] lacks an integer id or a string file_name`);
    const label = categoryOf.get(id as number);
    if (label === undefined) fail(source, `image ${String(id)} (${file}) has no annotation`);
    return { path: file, label };
  });
  return { entries, categories };
}

/**
 * Class numbers for category ids: the categories sorted by id get 0, 1, … (for iNaturalist 2018 the
 * ids already run 0..8141, so class = id). Every entry's category must be among `categories`.
 */
export function relabelByCategory(split: CocoSplit, categories: readonly CocoCategory[], source: string): ImageListEntry[] {
  const sorted = [...categories].sort((a, b) => a.id - b.id);
  const classOf = new Map(sorted.map((c, i) => [c.id, i]));
  return split.entries.map((e) => {
    const label = classOf.get(e.label);
    if (label === undefined)
      throw new Error(`${source}: ${e.path} has category ${e.label}, which the training annotation file does not list`);
    return { path: e.path, label };
  });
}
