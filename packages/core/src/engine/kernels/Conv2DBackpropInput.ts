/**
 * Conv2DBackpropInput (dX) as a forward Conv2D. It replaces wasm's stock kernel, a naive loop that
 * took 914 ms of a 1.4 s small-CNN step (docs/stack.md#wasm-kernel-shims), so XNNPACK does the work.
 *
 * For y = conv(x, W) with stride s, top/left padding p and a kh × kw filter:
 *   dX[b, h, w, ci] = Σ_{oh·s + i − p = h, ow·s + j − p = w} dy[b, oh, ow, co] · W[i, j, ci, co].
 * Insert s − 1 zeros between neighbouring rows/columns of dy (dy↑, (Ho−1)s+1 rows) and this is a
 * stride-1 correlation of dy↑, padded by kh − 1 − p on top, with the spatially reversed filter
 * whose in/out channels are swapped:
 *   dX = Conv2D(dy↑, transpose(reverse(W, [0, 1]), [0, 1, 3, 2]), pad = (kh−1−p, …)).
 * The bottom/right padding is whatever makes the output exactly H × W. Zero insertion is a
 * Reshape to [B, Ho, 1, Wo, 1, C], a PadV2 to [B, Ho, s, Wo, s, C] and a Reshape; the s − 1
 * trailing zero rows it adds count towards the bottom padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelScope } from './call-kernel.js';
import { conv2DGeometry } from './conv2d-geometry.js';

export function conv2DBackpropInput(
  backendName: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { dy, filter } = args.inputs as unknown as tf.Conv2DBackpropInputInputs & Record<string, tf.TensorInfo>;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const g = conv2DGeometry('Conv2DBackpropInput', inputShape, filter!.shape, strides, pad, dimRoundingMode, dataFormat);
  const padTop = g.filterHeight - 1 - g.padTop;
  const padLeft = g.filterWidth - 1 - g.padLeft;
  if (padTop < 0 || padLeft < 0) {
    throw new Error(
      `Conv2DBackpropInput shim: padding (${g.padTop}, ${g.padLeft}) exceeds filter size − 1 ` +
        `(${g.filterHeight - 1}, ${g.filterWidth - 1}); such convolutions are not supported`,
    );
  }
  const ops = new KernelScope(args.backend as tf.KernelBackend, backendName);
  try {
    if (g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1) {
      // 1×1, stride 1, unpadded: dX = dy · Wᵀ over the B·H·W rows.
      const rows = g.batch * g.inHeight * g.inWidth;
      const dym = ops.reshape(dy!, [1, rows, g.outChannels]);
      const wm = ops.reshape(filter!, [1, g.inChannels, g.outChannels]);
      const prod = ops.run('BatchMatMul', { a: dym, b: wm }, { transposeA: false, transposeB: true });
      return ops.finish(ops.reshape(prod, [g.batch, g.inHeight, g.inWidth, g.inChannels]));
    }
    let up = dy!;
    let upHeight = g.outHeight;
    let upWidth = g.outWidth;
    if (g.strideHeight > 1 || g.strideWidth > 1) {
      const sh = g.strideHeight;
      const sw = g.strideWidth;
      const spread = ops.reshape(dy!, [g.batch, g.outHeight, 1, g.outWidth, 1, g.outChannels]);
      const padded = ops.run(
        'PadV2',
        { x: spread },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      upHeight = g.outHeight * sh;
      upWidth = g.outWidth * sw;
      up = ops.reshape(padded, [g.batch, upHeight, upWidth, g.outChannels]);
    }
    // Output rows = padTop + upHeight + padBottom − kh + 1 must equal H; when the zero rows
    // already overshoot, pad nothing and slice the excess below.
    const padBottom = Math.max(0, g.inHeight + g.filterHeight - 1 - padTop - upHeight);
    const padRight = Math.max(0, g.inWidth + g.filterWidth - 1 - padLeft - upWidth);
    const flipped = ops.run('Reverse', { x: filter! }, { dims: [0, 1] });
    const swapped = ops.transpose(flipped, [0, 1, 3, 2]);
    let dx = ops.run('Conv2D', { x: up, filter: swapped }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    } as unknown as tf.NamedAttrMap);
    if (dx.shape[1] !== g.inHeight || dx.shape[2] !== g.inWidth) {
      dx = ops.slice(dx, [0, 0, 0, 0], [g.batch, g.inHeight, g.inWidth, g.inChannels]);
    }
    return ops.finish(dx);
  } catch (e) {
    ops.disposeAll();
    throw e;
  }
}

/** The shim as a kernel config for `backendName`. */
export function conv2DBackpropInputConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: (args) => conv2DBackpropInput(backendName, args),
  };
}
