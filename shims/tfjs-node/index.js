// danfojs-node requires "@tensorflow/tfjs-node" for tensor(), scalar(), moments(), Tensor and
// tf.data's shuffle in sample(). The real package is TensorFlow's native binding, whose install
// downloads libtensorflow (impossible offline) and which would be a second TensorFlow.js beside
// lowbit's. The root package.json's overrides point danfojs-node here instead: the same
// tfjs-core instance lowbit uses (so DataFrame tensors live on lowbit's backend when lowbit is
// loaded), its cpu backend for danfojs-node on its own, and tf.data.
const tf = require("@tensorflow/tfjs-core");
require("@tensorflow/tfjs-backend-cpu");

module.exports = Object.assign({}, tf, { data: require("@tensorflow/tfjs-data") });
