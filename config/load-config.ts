/**
 * The I/O around `buildConfig`: reads `.env` and `.env.<environment>` from the project root,
 * validates everything, and only then writes the secret files.
 */
import * as fs from "fs";
import * as path from "path";
import * as dotenv from "dotenv";
import { BuildOptions, buildConfig } from "./build-config";
import { AppConfig, ConfigInput, EnvFile } from "./types";
import { StackSecrets, materializeSecrets } from "./secret-store";

export type LoadResult =
  | {
      readonly ok: true;
      readonly config: AppConfig;
      readonly secrets: Readonly<Record<string, StackSecrets>>;
      readonly warnings: readonly string[];
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };

const KEY_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*[=:]/;

/** Lines dotenv would silently skip: almost always a typo the user wants to hear about. */
function malformedLines(name: string, text: string): string[] {
  const problems: string[] = [];
  let openQuote: string | null = null;
  text.split(/\r?\n/).forEach((line, i) => {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = null;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    if (!KEY_LINE.test(line)) {
      problems.push(
        `${name} line ${i + 1} is not KEY=value (got ${JSON.stringify(trimmed.slice(0, 40))}); fix or comment it out`,
      );
      return;
    }
    const value = line.slice(line.search(/[=:]/) + 1).trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === "`") && value.indexOf(q, 1) === -1) openQuote = q;
  });
  return problems;
}

function readEnvFile(rootDir: string, name: string, errors: string[]): EnvFile | undefined {
  const file = path.join(rootDir, name);
  if (!fs.existsSync(file)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    errors.push(`${name} cannot be read (${(e as NodeJS.ErrnoException).code}); check its permissions`);
    return undefined;
  }
  errors.push(...malformedLines(name, text));
  return { name, vars: dotenv.parse(text) };
}

/** The process environment and the `.env` files, as buildConfig takes them, plus file problems. */
export function readConfigInput(
  rootDir: string,
  env: Readonly<Record<string, string | undefined>>,
): { input: ConfigInput; fileErrors: string[] } {
  const fileErrors: string[] = [];
  const dotenvFile = readEnvFile(rootDir, ".env", fileErrors);
  const environmentFiles: Record<string, EnvFile> = {};
  for (const entry of fs.readdirSync(rootDir)) {
    const m = /^\.env\.([a-z][a-z0-9-]*)$/.exec(entry);
    if (!m || m[1] === "example") continue;
    const file = readEnvFile(rootDir, entry, fileErrors);
    if (file) environmentFiles[m[1]] = file;
  }
  return { input: { env, dotenv: dotenvFile, environmentFiles }, fileErrors };
}

export function loadConfig(
  rootDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: BuildOptions = {},
): LoadResult {
  const { input, fileErrors } = readConfigInput(rootDir, env);
  const built = buildConfig(input, options);
  if (!built.ok || fileErrors.length > 0) {
    return {
      ok: false,
      errors: [...fileErrors, ...(built.ok ? [] : built.errors)],
      warnings: built.warnings,
    };
  }
  const secrets = materializeSecrets(built.config, rootDir);
  if (!secrets.ok) return { ok: false, errors: secrets.errors, warnings: built.warnings };
  return {
    ok: true,
    config: built.config,
    secrets: secrets.secrets,
    warnings: built.warnings,
    notes: secrets.notes,
  };
}
