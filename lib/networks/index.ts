/** Networks by name: their shapes as data, one registry that accum, hw and the command read. */
export type { LayerSpec, NetworkSpec } from "./network_spec";
export type { NetworkLayer, NetworkLayers } from "./network_layer";
export { networkNames, registeredNetwork, registerNetwork } from "./registry";
export type { NetworkRegistration, RegisteredNetwork } from "./registry";
