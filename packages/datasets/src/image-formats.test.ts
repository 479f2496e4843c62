/**
 * The odd files real image collections hold (ImageNet has grey-scale and CMYK JPEGs and a PNG named
 * .JPEG): each must decode to side × side RGB with its colour kept.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { splitFile } from './image-cache.js';
import { loadImageFolderList } from './image-folder-list.js';

const root = mkdtempSync(join(tmpdir(), 'fedloge-formats-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A 24 × 16 image of one colour with `channels` channels. */
function solid(colour: number[]): ReturnType<typeof sharp> {
  const pixels = Buffer.alloc(24 * 16 * colour.length);
  for (let i = 0; i < 24 * 16; i++) pixels.set(colour, i * colour.length);
  return sharp(pixels, { raw: { width: 24, height: 16, channels: colour.length as 1 | 3 | 4 } });
}

describe('decoding unusual image files', () => {
  it('turns grey-scale, CMYK, RGBA and PNG-named-JPEG files into RGB records of the right colour', async () => {
    const files: [string, Promise<unknown>, number[]][] = [
      ['grey.JPEG', solid([90]).toColourspace('b-w').jpeg({ quality: 95 }).toFile(join(root, 'grey.JPEG')), [90, 90, 90]],
      ['cmyk.JPEG', solid([200, 40, 40]).toColourspace('cmyk').jpeg({ quality: 95 }).toFile(join(root, 'cmyk.JPEG')), [200, 40, 40]],
      ['rgba.png', solid([10, 120, 220, 255]).png().toFile(join(root, 'rgba.png')), [10, 120, 220]],
      ['png-named.JPEG', solid([30, 200, 60]).png().toFile(join(root, 'png-named.JPEG')), [30, 200, 60]],
    ];
    await Promise.all(files.map(([, written]) => written));
    // The files really are what their names say.
    expect((await sharp(join(root, 'grey.JPEG')).metadata()).channels).toBe(1);
    expect((await sharp(join(root, 'cmyk.JPEG')).metadata()).space).toBe('cmyk');
    expect((await sharp(join(root, 'png-named.JPEG')).metadata()).format).toBe('png');
    writeFileSync(join(root, 'train.txt'), files.map(([name], i) => `${name} ${i}\n`).join(''));
    writeFileSync(join(root, 'test.txt'), `${files[0]![0]} 0\n`);
    const data = await loadImageFolderList({
      dataDir: root,
      trainList: 'train.txt',
      testList: 'test.txt',
      resolution: 8,
      imageCacheDir: join(root, 'cache'),
    });
    expect(data.failedImages.train).toEqual([]);
    expect(data.train.count).toBe(files.length);
    const pixels = readFileSync(splitFile(join(root, 'cache'), 'train', 'pixels'));
    files.forEach(([name, , colour], i) => {
      const centre = (i * 64 + 4 * 8 + 4) * 3;
      // CMYK round trips through an ICC transform, so it gets a wider margin than JPEG's few levels.
      const tolerance = name.startsWith('cmyk') ? 25 : 4;
      colour.forEach((v, c) => expect(Math.abs(pixels[centre + c]! - v), `${name} channel ${c}`).toBeLessThanOrEqual(tolerance));
    });
    data.close();
  });
});
