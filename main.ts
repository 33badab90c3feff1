/**
 * Wiring only: configuration -> two stacks per environment (its long-lived part, then its releases)
 * -> synth. Every user error ends here as a plain message and exit code 1, never a stack trace.
 */
import * as path from "path";
import { App } from "cdktf";
import { loadConfig } from "./config/load-config";
import { DjangoStack } from "./stacks/django-stack";
import { ReleaseStack, RELEASE_STACK_SUFFIX } from "./stacks/release-stack";

/** The CLI synthesizes one environment at a time (into its own output folder): SYNTH_ONLY=dev. */
const ONLY = "SYNTH_ONLY";

function main(): number {
  const projectRoot = __dirname;
  const only = process.env[ONLY]?.split(",").filter((e) => e !== "");
  const loaded = loadConfig(projectRoot, process.env, { only });
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
    for (const stackConfig of loaded.config.stacks) {
      const common = { backend: loaded.config.backend, projectRoot, outdir };
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
