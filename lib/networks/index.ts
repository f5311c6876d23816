/** Networks by name: their shapes as data, one registry that accum, hw and the command read. */
export { checkNetworkSpec } from "./network_spec";
export type { LayerSpec, NetworkSpec } from "./network_spec";
export { layerFigures } from "./network_layer";
export type { NetworkLayer, NetworkLayers } from "./network_layer";
export { networkNames, registeredNetwork, registerNetwork } from "./registry";
export type { NetworkRegistration, RegisteredNetwork } from "./registry";
