/** Each command of the CLI for an environment with DEPLOY_TARGET=swarm (`output` is the engine's: it reads the stacks' outputs). */
import { Command } from "./args";
import { Context } from "./commands";
import { deploySwarm, destroySwarm, diffSwarm, pgUpgradeSwarm, rollbackSwarm } from "./swarm";
import { backupSwarm, logsSwarm, manageSwarm, restoreSwarm, statusSwarm } from "./swarm-day2";

export const SWARM_COMMANDS: Record<
  Exclude<Command, "synth" | "output">,
  (ctx: Context, environment: string) => Promise<unknown>
> = {
  deploy: deploySwarm,
  diff: diffSwarm,
  destroy: destroySwarm,
  rollback: rollbackSwarm,
  status: statusSwarm,
  logs: logsSwarm,
  manage: manageSwarm,
  backup: backupSwarm,
  restore: restoreSwarm,
  "pg-upgrade": pgUpgradeSwarm,
};
