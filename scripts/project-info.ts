/**
 * The Django project the stack deploys (DJANGO_PROJECT_DIR, from the environment and `.env`) and how
 * it is built, as JSON for scripts/test-django.sh. Reads the settings like a synth does (every
 * problem reported, exit code 2), but writes nothing: no secret file is made.
 *
 *   node --require sucrase/register/ts scripts/project-info.ts [environment]
 */
import * as path from "path";
import { buildConfig } from "../config/build-config";
import { readConfigInput } from "../config/load-config";

function main(): number {
  const root = path.resolve(__dirname, "..");
  const { input, fileErrors } = readConfigInput(root, process.env);
  const built = buildConfig(input, {});
  if (!built.ok || fileErrors.length > 0) {
    for (const e of [...fileErrors, ...(built.ok ? [] : built.errors)]) console.error(`config error: ${e}`);
    return 2;
  }
  const wanted = process.argv[2];
  const stack = built.config.stacks.find((s) => !wanted || s.environment === wanted);
  if (!stack) {
    console.error(`config error: environment "${wanted}" is not in ENVIRONMENTS`);
    return 2;
  }
  const build = stack.app.build;
  process.stdout.write(
    `${JSON.stringify({
      dir: built.config.project.absDir,
      sample: built.config.project.absDir === path.join(root, "django-app"),
      build: build.kind,
      contract: build.kind === "project" && build.contract,
      settingsModule: build.kind === "stack" ? build.settingsModule : (stack.app.settingsModule ?? ""),
      dependencies: build.kind === "stack" ? build.dependencies : undefined,
    })}\n`,
  );
  return 0;
}

process.exitCode = main();
