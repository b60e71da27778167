import type { TPlugin } from "./framework/types";
import { budgetPlugin } from "./plugins/budget";
import { carbonPlugin } from "./plugins/carbon";
import { certificationsPlugin } from "./plugins/certifications";
import { costPlugin } from "./plugins/cost";
import { dataGravityPlugin } from "./plugins/data-gravity";
import { dataResidencyPlugin } from "./plugins/data-residency";
import { environmentPlugin } from "./plugins/environment";
import { gpuCapacityPlugin } from "./plugins/gpu-capacity";
import { gpuModelPlugin } from "./plugins/gpu-model";
import { latencyPlugin } from "./plugins/latency";
import { nodeHealthPlugin } from "./plugins/node-health";
import { siteStatusPlugin } from "./plugins/site-status";
import { teamBudgetPlugin } from "./plugins/team-budget";
import { teamQuotaPlugin } from "./plugins/team-quota";
import { utilisationPlugin } from "./plugins/utilisation";

export type TPluginFactory = () => TPlugin;
export type TRegistry = ReadonlyMap<string, TPluginFactory>;

const builtIn: readonly TPlugin[] = [
  siteStatusPlugin,
  environmentPlugin,
  certificationsPlugin,
  dataResidencyPlugin,
  latencyPlugin,
  gpuModelPlugin,
  nodeHealthPlugin,
  gpuCapacityPlugin,
  teamQuotaPlugin,
  budgetPlugin,
  teamBudgetPlugin,
  costPlugin,
  dataGravityPlugin,
  utilisationPlugin,
  carbonPlugin,
];

/** Plugin name -> factory. Plugins are stateless, so a factory returns the shared instance. */
export const defaultRegistry: TRegistry = new Map(builtIn.map((plugin) => [plugin.name, () => plugin]));

export type TPluginInfo = {
  readonly name: string;
  readonly description: string;
  readonly filter: boolean;
  readonly score: boolean;
};

/** What the console shows in its "plugins" panel. */
export function listPlugins(registry: TRegistry = defaultRegistry): TPluginInfo[] {
  return [...registry.values()].map((factory) => {
    const plugin = factory();
    return {
      name: plugin.name,
      description: plugin.description,
      filter: plugin.filter !== undefined,
      score: plugin.score !== undefined,
    };
  });
}
