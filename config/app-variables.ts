/**
 * The project's own variables: `APP_ENV_<NAME>=value` gives the app NAME=value; `APP_SECRET_<NAME>`
 * (a value) or `APP_SECRET_<NAME>_FILE` (a path) gives it NAME as a secret file, like the stack's own
 * secrets. Read with the precedence of every per-environment setting: `..._<NAME>__<ENV>` in the
 * process environment, then the process environment, `.env.<environment>`, `.env`.
 */
import { DjangoEnv } from "../constructs/contracts";
import { envSuffix } from "./reader";
import { APP_VARIABLE_PREFIXES } from "./settings";
import { ConfigInput, SecretInput, Source } from "./types";

export interface AppVariables {
  /** NAME -> value, for the container's environment. */
  readonly plain: Readonly<Record<string, string>>;
  /** NAME -> where its value comes from (kept in SECRETS_DIR like the stack's secrets). */
  readonly secret: Readonly<Record<string, SecretInput>>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names the stack itself sets in the app's containers (the seed's vocabulary and the secrets' *_FILE
 * paths, what the image's entrypoint derives from them), or that would break the runtime.
 */
const RESERVED = new Set<string>([
  ...Object.values(DjangoEnv),
  "SECRET_KEY",
  "DATABASE_URL",
  "DATABASE_STATEMENT_TIMEOUT",
  "DJANGO_SETTINGS_MODULE",
  "DJANGO_MEDIA_URL",
  "DJANGO_MEDIA_ROOT",
  "MIGRATE_TIMEOUT_SECONDS",
  "PATH",
  "HOME",
  "HOSTNAME",
  "PYTHONPATH",
  "PYTHONHOME",
]);
const RESERVED_PREFIX = "DJANGO_CDKTF_";

/** Why NAME cannot be one of the project's variables, or undefined. */
export function appVariableNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return "must be a variable name: letters, digits and '_', not starting with a digit";
  const bare = name.replace(/_FILE$/, "");
  if (RESERVED.has(bare)) return "is a variable the stack sets itself";
  if (bare.startsWith(RESERVED_PREFIX)) return `starts with ${RESERVED_PREFIX}, which the stack's image uses`;
  return undefined;
}

interface Found {
  readonly key: string;
  readonly value: string;
  readonly source: Source;
}

/** Every variable whose name starts with `prefix`, by the name after it, honouring precedence. */
function scan(input: ConfigInput, environment: string, prefix: string): Map<string, Found> {
  const found = new Map<string, Found>();
  const suffix = `__${envSuffix(environment)}`;
  const take = (vars: Readonly<Record<string, string | undefined>>, source: Source, qualified: boolean) => {
    for (const [key, value] of Object.entries(vars)) {
      if (value === undefined || value === "" || !key.startsWith(prefix)) continue;
      let name = key.slice(prefix.length);
      if (qualified) {
        if (!name.endsWith(suffix)) continue;
        name = name.slice(0, -suffix.length);
      } else if (/__[A-Z0-9_]+$/.test(name)) {
        continue; // another environment's value
      }
      if (!found.has(name))
        found.set(name, { key, value, source: qualified ? `environment (${key})` : source });
    }
  };
  take(input.env, "environment", true);
  take(input.env, "environment", false);
  const file = input.environmentFiles?.[environment];
  if (file) take(file.vars, file.name, false);
  if (input.dotenv) take(input.dotenv.vars, input.dotenv.name, false);
  return found;
}

/** The project's variables of one environment, and every problem with them. */
export function readAppVariables(
  input: ConfigInput,
  environment: string,
): { variables: AppVariables; errors: string[] } {
  const errors: string[] = [];
  const where = (f: Found) => `(set in ${f.source} for environment "${environment}")`;
  const plain: Record<string, string> = {};
  for (const [name, f] of scan(input, environment, APP_VARIABLE_PREFIXES.plain)) {
    const problem = appVariableNameProblem(name);
    if (problem) {
      errors.push(`${f.key}: ${name} ${problem} ${where(f)}; rename it, or use the stack's own setting`);
      continue;
    }
    if (f.value.includes("\0")) {
      errors.push(`${f.key} holds a NUL character ${where(f)}; remove it`);
      continue;
    }
    plain[name] = f.value;
  }
  const secret: Record<string, SecretInput> = {};
  const secrets = scan(input, environment, APP_VARIABLE_PREFIXES.secret);
  for (const [rawName, f] of secrets) {
    const fromFile = rawName.endsWith("_FILE");
    const name = fromFile ? rawName.slice(0, -"_FILE".length) : rawName;
    const problem = appVariableNameProblem(name);
    if (problem) {
      errors.push(`${f.key}: ${name} ${problem} ${where(f)}; rename it`);
      continue;
    }
    if (!fromFile && secrets.has(`${name}_FILE`)) {
      const other = secrets.get(`${name}_FILE`)!;
      errors.push(
        `${f.key} (value hidden) and ${other.key} are both set (in ${f.source} and ${other.source}); keep one of them`,
      );
      continue;
    }
    if (fromFile && secrets.has(name)) continue; // reported once, above
    if (name in plain) {
      errors.push(
        `${APP_VARIABLE_PREFIXES.plain}${name} and ${f.key} both give the app ${name} for environment "${environment}"; keep one of them`,
      );
      continue;
    }
    if (fromFile) {
      secret[name] = { kind: "file", path: f.value.trim(), source: f.source };
    } else if (/[\r\n]/.test(f.value)) {
      errors.push(
        `${f.key} must be a single line, got (value hidden) ${where(f)}; put a longer value in a file and set ${f.key}_FILE`,
      );
    } else if (f.value.trim() === "") {
      errors.push(
        `${f.key} is only whitespace, got (value hidden) ${where(f)}; give the real value, or remove it`,
      );
    } else {
      secret[name] = { kind: "value", value: f.value, source: f.source };
    }
  }
  return { variables: { plain, secret }, errors };
}
