/**
 * The networks lowbit knows as plain data (no model is built for them): the papers' ImageNet and
 * CIFAR networks and lowbit's LeNet-5. The registry (registry.ts) registers each under its name;
 * lib/models registers the networks it builds. Only LeNet-5 gives its input sizes (hIn, wIn);
 * the others take C_in H_out W_out, an underestimate of the input traffic after a stride.
 */
import type { LayerSpec, NetworkSpec } from "./network_spec";

const conv = (name: string, cIn: number, cOut: number, k: number, size: number, inputSize?: number): LayerSpec => ({
  name,
  cIn,
  cOut,
  k,
  hOut: size,
  wOut: size,
  ...(inputSize === undefined ? {} : { hIn: inputSize, wIn: inputSize }),
});
const dense = (name: string, cIn: number, cOut: number): LayerSpec => ({ name, cIn, cOut, k: 1, hOut: 1, wOut: 1 });

/** ResNet-32 for CIFAR-10 (He et al. 2016): 3 stages of 5 basic blocks, identity shortcuts. */
function resnet32(): NetworkSpec {
  const layers = [conv("conv1", 3, 16, 3, 32)];
  const stages: [number, number][] = [
    [16, 32],
    [32, 16],
    [64, 8],
  ];
  let channels = 16;
  stages.forEach(([width, size], s) => {
    for (let b = 0; b < 5; b++) {
      layers.push(conv(`stage${s + 1}.block${b + 1}.conv1`, channels, width, 3, size));
      layers.push(conv(`stage${s + 1}.block${b + 1}.conv2`, width, width, 3, size));
      channels = width;
    }
  });
  layers.push(dense("fc", 64, 10));
  return { name: "resnet32", dataset: "CIFAR-10 (32x32)", batch: 128, layers };
}

/** ResNet-18 for ImageNet (224x224): 4 stages of 2 basic blocks, 1x1 projection shortcuts. */
function resnet18(): NetworkSpec {
  const layers = [conv("conv1", 3, 64, 7, 112)];
  const stages: [number, number][] = [
    [64, 56],
    [128, 28],
    [256, 14],
    [512, 7],
  ];
  let channels = 64;
  stages.forEach(([width, size], s) => {
    for (let b = 0; b < 2; b++) {
      const name = `layer${s + 1}.${b}`;
      layers.push(conv(`${name}.conv1`, channels, width, 3, size));
      layers.push(conv(`${name}.conv2`, width, width, 3, size));
      if (channels !== width) layers.push(conv(`${name}.downsample`, channels, width, 1, size));
      channels = width;
    }
  });
  layers.push(dense("fc", 512, 1000));
  return { name: "resnet18", dataset: "ImageNet (224x224)", batch: 256, layers };
}

/** AlexNet for ImageNet (Krizhevsky et al. 2012), its convolutions ungrouped. */
function alexnet(): NetworkSpec {
  return {
    name: "alexnet",
    dataset: "ImageNet (227x227)",
    batch: 256,
    layers: [
      conv("conv1", 3, 96, 11, 55),
      conv("conv2", 96, 256, 5, 27),
      conv("conv3", 256, 384, 3, 13),
      conv("conv4", 384, 384, 3, 13),
      conv("conv5", 384, 256, 3, 13),
      dense("fc6", 256 * 6 * 6, 4096),
      dense("fc7", 4096, 4096),
      dense("fc8", 4096, 1000),
    ],
  };
}

/**
 * lowbit's LeNet-5 (lib/models lenet5): 32C5-MP2-64C5-MP2-512FC-10 on 28x28 MNIST, valid
 * convolutions; inputs 28x28 and, after the first pool, 12x12.
 */
function lenet5(): NetworkSpec {
  return {
    name: "lenet5",
    dataset: "MNIST (28x28)",
    batch: 64,
    layers: [
      conv("conv1", 1, 32, 5, 24, 28),
      conv("conv2", 32, 64, 5, 8, 12),
      dense("fc1", 64 * 4 * 4, 512),
      dense("fc2", 512, 10),
    ],
  };
}

/** VGG-7: 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-1024FC-10 on 32x32, same-padded convolutions. */
function vgg7(): NetworkSpec {
  return {
    name: "vgg7",
    dataset: "CIFAR-10 (32x32)",
    batch: 128,
    layers: [
      conv("conv1", 3, 128, 3, 32),
      conv("conv2", 128, 128, 3, 32),
      conv("conv3", 128, 256, 3, 16),
      conv("conv4", 256, 256, 3, 16),
      conv("conv5", 256, 512, 3, 8),
      conv("conv6", 512, 512, 3, 8),
      dense("fc1", 512 * 4 * 4, 1024),
      dense("fc2", 1024, 10),
    ],
  };
}

/** Each spec with a line saying what it is. */
export const NETWORK_SPECS: readonly { spec: NetworkSpec; description: string }[] = [
  { spec: resnet32(), description: "ResNet-32, CIFAR-10 (He et al. 2016), 3 x 5 basic blocks" },
  { spec: resnet18(), description: "ResNet-18, ImageNet, 4 x 2 basic blocks, projection shortcuts" },
  { spec: alexnet(), description: "AlexNet, ImageNet (Krizhevsky et al. 2012), convolutions ungrouped" },
  { spec: lenet5(), description: "LeNet-5 32C5-MP2-64C5-MP2-512FC-10, MNIST (lib/models lenet5)" },
  { spec: vgg7(), description: "VGG-7 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-1024FC-10, CIFAR-10" },
];
