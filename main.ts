/**
 * Wiring only: configuration -> two stacks per environment (its long-lived part, then its releases)
 * -> synth. Every user error ends here as a plain message and exit code 1, never a stack trace.
 */
import * as path from "path";
import { App } from "cdktf";
import { loadConfig } from "./config/load-config";
import { DjangoStack } from "./stacks/django-stack";
import { EntryStack } from "./stacks/entry-stack";
import { ENTRY_STACK } from "./stacks/entry-names";
import { ReleaseStack, RELEASE_STACK_SUFFIX } from "./stacks/release-stack";
import { SwarmReleaseStack } from "./stacks/swarm-release-stack";
import { SwarmStack } from "./stacks/swarm-stack";

/** The CLI synthesizes one environment at a time (into its own output folder): SYNTH_ONLY=dev. */
const ONLY = "SYNTH_ONLY";
/**
 * ...and the shared entry point on its own: SYNTH_ENTRY=dev,prod synthesizes only its stack, routing
 * those of the shared environments (the ones deployed; empty: none).
 */
const ENTRY = "SYNTH_ENTRY";

function main(): number {
  const projectRoot = __dirname;
  const entryOnly = process.env[ENTRY]?.split(",").filter((e) => e !== "");
  const only = entryOnly ? [] : process.env[ONLY]?.split(",").filter((e) => e !== "");
  const loaded = loadConfig(projectRoot, process.env, { only, entry: entryOnly !== undefined });
  for (const w of loaded.warnings) console.error(`config warning: ${w}`);
  if (!loaded.ok) {
    for (const e of loaded.errors) console.error(`config error: ${e}`);
    console.error(`\n${loaded.errors.length} configuration error(s); nothing was synthesized.`);
    return 1;
  }
  for (const n of loaded.notes) console.error(`note: ${n}`);

  const app = new App();
  const outdir = path.relative(projectRoot, app.outdir) || "cdktf.out";
  try {
    const { entry } = loaded.config;
    if (entryOnly || (!only && entry.sites.length > 0)) {
      const routed = entryOnly ? entry.sites.filter((s) => entryOnly.includes(s.environment)) : entry.sites;
      new EntryStack(app, ENTRY_STACK, {
        backend: loaded.config.backend,
        projectRoot,
        outdir,
        entry: { ...entry, sites: routed },
      });
    }
    for (const stackConfig of loaded.config.stacks) {
      const common = { backend: loaded.config.backend, projectRoot, outdir };
      if (stackConfig.swarm) {
        // DEPLOY_TARGET=swarm: the same settings as services on a Docker Swarm, under the same stack ids
        const secrets = loaded.secrets[stackConfig.environment];
        const swarm = new SwarmStack(app, stackConfig.environment, {
          ...common,
          config: stackConfig,
          secrets,
        });
        new SwarmReleaseStack(app, `${stackConfig.environment}${RELEASE_STACK_SUFFIX}`, {
          ...common,
          environment: swarm,
        });
        continue;
      }
      const environment = new DjangoStack(app, stackConfig.environment, {
        ...common,
        config: stackConfig,
        secrets: loaded.secrets[stackConfig.environment],
      });
      new ReleaseStack(app, `${stackConfig.environment}${RELEASE_STACK_SUFFIX}`, { ...common, environment });
    }
    app.synth();
  } catch (e) {
    // policy findings and props validation errors: the message is the useful part
    console.error(`synth failed: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
