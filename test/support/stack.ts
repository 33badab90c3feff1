import * as path from "path";
import { Testing } from "cdktf";
import { buildConfig } from "../../config/build-config";
import { StackSecrets } from "../../config/secret-store";
import { AppConfig, StackConfig } from "../../config/types";
import { DjangoStack, DjangoStackProps } from "../../stacks/django-stack";
import { ReleaseStack, ReleaseStackProps } from "../../stacks/release-stack";
import { SwarmReleaseStack } from "../../stacks/swarm-release-stack";
import { SwarmStack } from "../../stacks/swarm-stack";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** Secret file references as the stack sees them: paths and revisions, never values. */
export function fakeSecrets(environment = "dev"): StackSecrets {
  return {
    djangoSecretKey: {
      name: "django_secret_key",
      path: `.secrets/${environment}/django_secret_key`,
      revision: "a".repeat(32),
    },
    databasePassword: {
      name: "database_password",
      path: `.secrets/${environment}/database_password`,
      revision: "b".repeat(32),
    },
    databaseAppPassword: {
      name: "database_app_password",
      path: `.secrets/${environment}/database_app_password`,
      revision: "c".repeat(32),
    },
  };
}

/** The configuration a user with no `.env` gets, plus `env` on top. */
export function appConfigFor(env: Record<string, string> = {}): AppConfig {
  const result = buildConfig({ env });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

export function configFor(env: Record<string, string> = {}, environment = "dev"): StackConfig {
  const stack = appConfigFor(env).stacks.find((s) => s.environment === environment);
  if (!stack) throw new Error(`no environment ${environment}`);
  return stack;
}

export interface Stacks {
  readonly environment: DjangoStack;
  readonly release: ReleaseStack;
}

/** An environment's two stacks as main.ts builds them, from the default configuration plus `env`. */
export function makeStacks(
  env: Record<string, string> = {},
  props: Partial<DjangoStackProps & ReleaseStackProps> = {},
  environment = "dev",
): Stacks {
  const app = Testing.app();
  const infra = new DjangoStack(app, environment, {
    config: configFor(env, environment),
    backend: appConfigFor(env).backend,
    secrets: fakeSecrets(environment),
    projectRoot: PROJECT_ROOT,
    ...props,
  });
  const release = new ReleaseStack(app, `${environment}-app`, {
    environment: infra,
    backend: appConfigFor(env).backend,
    projectRoot: PROJECT_ROOT,
    sourceHash: "0123456789abcdef".repeat(4),
    ...props,
  });
  return { environment: infra, release };
}

/** The environment's long-lived stack (networks, secrets, database, proxy). */
export function makeStack(
  env: Record<string, string> = {},
  props: Partial<DjangoStackProps> = {},
  environment = "dev",
): DjangoStack {
  return makeStacks(env, props, environment).environment;
}

/** The environment's release stack (image, migrations, app, route). */
export function makeRelease(
  env: Record<string, string> = {},
  props: Partial<ReleaseStackProps> = {},
  environment = "dev",
): ReleaseStack {
  return makeStacks(env, props, environment).release;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The synthesized JSON of a stack (optionally running validations, which throw on errors). */
export function synthJson(stack: import("cdktf").TerraformStack, runValidations = false): Json {
  return JSON.parse(Testing.synth(stack, runValidations));
}

/** The one resource of a type at a construct path (below the stack), e.g. "Database/Container". */
export function resource(json: Json, type: string, constructPath: string): Json {
  const all: Record<string, Json> = json.resource[type] ?? {};
  // logical ids are the path joined by "_" plus an 8-character hash
  const prefix = `${constructPath.split("/").join("_")}_`;
  const matches = Object.entries(all).filter(
    ([id]) => id.startsWith(prefix) && id.length === prefix.length + 8,
  );
  if (matches.length !== 1)
    throw new Error(`expected one ${type} at ${constructPath}, found ${matches.length}`);
  return matches[0][1];
}

/** Validation errors of a stack: what `cdktf synth` prints and stops on. */
export function validationErrors(stack: import("cdktf").TerraformStack): string[] {
  try {
    Testing.synth(stack, true);
    return [];
  } catch (e) {
    return (e as Error).message.split("\n").filter((l) => l.trim() !== "");
  }
}

/** An environment's two swarm stacks (DEPLOY_TARGET=swarm), from the default configuration plus `env`. */
export function swarmStacks(env: Record<string, string> = {}): {
  environment: SwarmStack;
  release: SwarmReleaseStack;
} {
  const app = Testing.app();
  const environment = new SwarmStack(app, "dev", {
    config: configFor({ DEPLOY_TARGET: "swarm", ...env }),
    secrets: fakeSecrets(),
    projectRoot: PROJECT_ROOT,
  });
  const release = new SwarmReleaseStack(app, "dev-app", {
    environment,
    projectRoot: PROJECT_ROOT,
    sourceHash: "0123456789abcdef".repeat(4),
  });
  return { environment, release };
}
