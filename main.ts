/**
 * Wiring only: configuration -> one DjangoStack per environment -> synth. Every user error ends
 * here as a plain message and exit code 1, never a stack trace.
 */
import * as path from "path";
import { App } from "cdktf";
import { loadConfig } from "./config/load-config";
import { DjangoStack } from "./stacks/django-stack";

function main(): number {
  const projectRoot = __dirname;
  const loaded = loadConfig(projectRoot, process.env);
  for (const w of loaded.warnings) console.error(`config warning: ${w}`);
  if (!loaded.ok) {
    for (const e of loaded.errors) console.error(`config error: ${e}`);
    console.error(`\n${loaded.errors.length} configuration error(s); nothing was synthesized.`);
    return 1;
  }
  for (const n of loaded.notes) console.error(`note: ${n}`);

  const app = new App();
  try {
    for (const stackConfig of loaded.config.stacks) {
      new DjangoStack(app, stackConfig.environment, {
        config: stackConfig,
        secrets: loaded.secrets[stackConfig.environment],
        backend: loaded.config.backend,
        projectRoot,
        outdir: path.relative(projectRoot, app.outdir) || "cdktf.out",
      });
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
