/**
 * The one registry of networks by name, read by lib/accum (gemmShapes, accumulationTable), lib/hw
 * (cost) and the `lowbit` command. Each name is registered once: the specs of network_specs.ts
 * here, lowbit's model zoo by lib/models when it loads (whose layers come from building the
 * model, once, on first use). A registration holds a function rather than the layers, so that
 * registering a zoo network builds nothing; a zoo network also gives its builder, so that
 * cost(name, { phase }) can read the formats of the model it builds.
 */
import type * as tf from "../backend/tf";
import { checkNetworkSpec, type NetworkSpec } from "./network_spec";
import { layerFigures, type NetworkLayer, type NetworkLayers } from "./network_layer";
import { NETWORK_SPECS } from "./network_specs";

export interface NetworkRegistration {
  name: string;
  /** One line: what the network is and where it comes from. */
  description: string;
  dataset: string;
  /** The batch a step uses when the caller names none. */
  batch: number;
  /** The weight layers in order; called once, on first use. */
  layers: () => readonly NetworkLayer[];
  /** For a network lowbit builds: a new model at the registered sizes (the caller disposes it). */
  build?: () => tf.LayersModel;
}

/** A registered network: its layers with their figures, and its description. */
export interface RegisteredNetwork extends NetworkLayers {
  description: string;
  build?: () => tf.LayersModel;
}

const registrations = new Map<string, NetworkRegistration>();
const resolved = new Map<string, RegisteredNetwork>();

/** Registers a network under its name; a name already registered is an error. */
export function registerNetwork(registration: NetworkRegistration): void {
  const { name } = registration;
  if (typeof name !== "string" || name === "")
    throw new TypeError("lowbit: registerNetwork name must be a non-empty string");
  if (typeof registration.layers !== "function")
    throw new TypeError(`lowbit: registerNetwork ${name} layers must be a function returning the weight layers`);
  if (registration.build !== undefined && typeof registration.build !== "function")
    throw new TypeError(`lowbit: registerNetwork ${name} build must be a function returning a model`);
  if (registrations.has(name))
    throw new RangeError(`lowbit: registerNetwork: a network "${name}" is already registered`);
  registrations.set(name, registration);
}

/** The registered names, in registration order. */
export function networkNames(): string[] {
  return [...registrations.keys()];
}

/** A registered network by name (its layers computed on the first call). */
export function registeredNetwork(name: string): RegisteredNetwork {
  return findNetwork("registeredNetwork", name);
}

/** registeredNetwork, its error naming `what` (the caller: "cost", "gemmShapes"). */
export function findNetwork(what: string, name: string): RegisteredNetwork {
  const registration = registrations.get(name);
  if (registration === undefined) {
    throw new RangeError(
      `lowbit: ${what} network must be one of ${networkNames()
        .map((n) => `"${n}"`)
        .join(", ")} or a NetworkSpec; got ${JSON.stringify(name)}`,
    );
  }
  let network = resolved.get(name);
  if (network === undefined) {
    const { description, dataset, batch, build } = registration;
    network = {
      name,
      description,
      dataset,
      batch,
      layers: registration.layers(),
      ...(build === undefined ? {} : { build }),
    };
    resolved.set(name, network);
  }
  return network;
}

/** A network given by name or as a NetworkSpec (checked), with its layers' figures. */
export function resolveNetwork(what: string, network: NetworkSpec | string): NetworkLayers {
  return typeof network === "string" ? findNetwork(what, network) : layerFigures(checkNetworkSpec(what, network));
}

for (const { spec, description } of NETWORK_SPECS) {
  registerNetwork({
    name: spec.name,
    description,
    dataset: spec.dataset,
    batch: spec.batch,
    layers: () => layerFigures(spec).layers,
  });
}
