/**
 * The I/O around `buildConfig`: reads `.env` and `.env.<environment>` from the project root,
 * validates everything, and only then writes the secret files.
 */
import * as fs from "fs";
import * as path from "path";
import { BuildOptions, buildConfig } from "./build-config";
import { parseDotenv } from "./dotenv";
import { readSmallFile } from "./files";
import { AppConfig, ConfigInput, EnvFile } from "./types";
import { EnvironmentSecrets, materializeSecrets } from "./secret-store";
import { quoted } from "../constructs/quote";

export type LoadResult =
  | {
      readonly ok: true;
      readonly config: AppConfig;
      readonly secrets: Readonly<Record<string, EnvironmentSecrets>>;
      readonly warnings: readonly string[];
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };

function readEnvFile(
  rootDir: string,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  errors: string[],
  warnings: string[],
): EnvFile | undefined {
  const file = path.join(rootDir, name);
  if (!fs.existsSync(file)) {
    // a link to nothing is a file the user meant to be read
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) {
      errors.push(
        `${name} is a link to ${quoted(fs.readlinkSync(file))}, which does not exist; fix or remove the link`,
      );
    }
    return undefined;
  }
  let text: string;
  try {
    text = readSmallFile(file, 1024 * 1024);
  } catch (e) {
    errors.push(
      `${name} cannot be read (${(e as Error).message}); make it a text file of KEY=value lines (at most 1 MiB) that you can read`,
    );
    return undefined;
  }
  const parsed = parseDotenv(name, text, env);
  errors.push(...parsed.errors);
  warnings.push(...parsed.warnings);
  return { name, vars: parsed.vars };
}

/** Names beside `.env` that look like an environment's file but are not read (`.env.Prod`, `prod.env`). */
function nearMisses(entries: readonly string[]): string[] {
  return entries.filter(
    (e) =>
      e !== ".env" &&
      e !== ".env.example" &&
      !/^\.env\.[a-z][a-z0-9-]*$/.test(e) &&
      (/^\.env[._-]/i.test(e) || /^[A-Za-z0-9-]+\.env$/i.test(e)) &&
      !/\.(bak|orig|swp|sample|template|dist)$/i.test(e),
  );
}

/** The process environment and the `.env` files, as buildConfig takes them, plus file problems. */
export function readConfigInput(
  rootDir: string,
  env: Readonly<Record<string, string | undefined>>,
): { input: ConfigInput; fileErrors: string[]; fileWarnings: string[] } {
  const fileErrors: string[] = [];
  const fileWarnings: string[] = [];
  const dotenvFile = readEnvFile(rootDir, ".env", env, fileErrors, fileWarnings);
  const environmentFiles: Record<string, EnvFile> = {};
  const entries = fs.readdirSync(rootDir);
  for (const entry of entries) {
    const m = /^\.env\.([a-z][a-z0-9-]*)$/.exec(entry);
    if (!m || m[1] === "example") continue;
    // an environment's file may refer to values of .env
    const file = readEnvFile(rootDir, entry, { ...dotenvFile?.vars, ...env }, fileErrors, fileWarnings);
    if (file) environmentFiles[m[1]] = file;
  }
  return {
    input: { env, dotenv: dotenvFile, environmentFiles, unreadFiles: nearMisses(entries), rootDir },
    fileErrors,
    fileWarnings,
  };
}

export function loadConfig(
  rootDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: BuildOptions = {},
): LoadResult {
  const { input, fileErrors, fileWarnings } = readConfigInput(rootDir, env);
  const built = buildConfig(input, options);
  if (!built.ok || fileErrors.length > 0) {
    return {
      ok: false,
      errors: [...fileErrors, ...(built.ok ? [] : built.errors)],
      warnings: [...fileWarnings, ...built.warnings],
    };
  }
  const secrets = materializeSecrets(built.config, rootDir, env);
  if (!secrets.ok)
    return { ok: false, errors: secrets.errors, warnings: [...fileWarnings, ...built.warnings] };
  return {
    ok: true,
    config: built.config,
    secrets: secrets.secrets,
    warnings: [...fileWarnings, ...built.warnings, ...secrets.warnings],
    notes: secrets.notes,
  };
}
