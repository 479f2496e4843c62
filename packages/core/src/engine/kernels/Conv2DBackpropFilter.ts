/**
 * Conv2DBackpropFilter (dW) as a forward Conv2D, for backends whose own kernel is missing (wasm)
 * or pathologically slow (cpu: a naive 7-deep JS loop, ~50x slower; see docs/stack.md#wasm-kernel-shims).
 *
 * For y = conv(x, W) with stride s and top/left padding p:
 *   dW[i, j, ci, co] = Σ_{b, oh, ow} x[b, oh·s + i − p, ow·s + j − p, ci] · dy[b, oh, ow, co].
 * Read with ci as the batch and b as the channel, that is a *stride-1* convolution of x (laid
 * out as [Cin, H, W, B]) with dy as the filter (laid out as [Ho, Wo, B, Cout]) dilated by s:
 *   dW' = Conv2D(transpose(x, [3,1,2,0]), transpose(dy, [1,2,0,3]), dilation = s, pad = p)
 * which is [Cin, kh', kw', Cout]; rows beyond kh (rows of x the forward conv never read) are
 * sliced off and the result is transposed back to [kh, kw, Cin, Cout].
 * A 1×1, stride-1, unpadded conv is a plain matrix product: dW = xᵀ·dy over the B·H·W rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelScope } from './call-kernel.js';
import { conv2DGeometry } from './conv2d-geometry.js';

export function conv2DBackpropFilter(
  backendName: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { x, dy } = args.inputs as unknown as tf.Conv2DBackpropFilterInputs & Record<string, tf.TensorInfo>;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const g = conv2DGeometry('Conv2DBackpropFilter', x!.shape, filterShape, strides, pad, dimRoundingMode, dataFormat);
  const ops = new KernelScope(args.backend as tf.KernelBackend, backendName);
  try {
    if (g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 && g.padTop === 0 && g.padLeft === 0) {
      const rows = g.batch * g.inHeight * g.inWidth;
      const xm = ops.reshape(x!, [1, rows, g.inChannels]);
      const dym = ops.reshape(dy!, [1, rows, g.outChannels]);
      const prod = ops.run('BatchMatMul', { a: xm, b: dym }, { transposeA: true, transposeB: false });
      return ops.finish(ops.reshape(prod, [1, 1, g.inChannels, g.outChannels]));
    }
    // Stride-1 output size of the padded, dilated correlation; pad the bottom/right just enough
    // to reach kh × kw (never negative: extra rows are sliced instead).
    const dilatedH = g.strideHeight * (g.outHeight - 1);
    const dilatedW = g.strideWidth * (g.outWidth - 1);
    const padBottom = Math.max(0, g.filterHeight - g.inHeight - g.padTop + dilatedH);
    const padRight = Math.max(0, g.filterWidth - g.inWidth - g.padLeft + dilatedW);
    const xT = ops.transpose(x!, [3, 1, 2, 0]);
    const dyT = ops.transpose(dy!, [1, 2, 0, 3]);
    let dW = ops.run('Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [g.padTop, padBottom],
        [g.padLeft, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [g.strideHeight, g.strideWidth],
    } as unknown as tf.NamedAttrMap);
    if (dW.shape[1] !== g.filterHeight || dW.shape[2] !== g.filterWidth) {
      dW = ops.slice(dW, [0, 0, 0, 0], [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]);
    }
    return ops.finish(ops.transpose(dW, [1, 2, 0, 3]));
  } catch (e) {
    ops.disposeAll();
    throw e;
  }
}

/** The shim as a kernel config for `backendName` (tfjs style: one plain object per kernel). */
export function conv2DBackpropFilterConfig(backendName: string): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: (args) => conv2DBackpropFilter(backendName, args),
  };
}
