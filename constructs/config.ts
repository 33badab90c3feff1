/**
 * Environment and `.env` files -> one typed, validated configuration per stack.
 *
 * Pure: takes the variables and file contents, returns either the configuration or every problem
 * at once. Reading files and writing secrets happen in `load-config.ts`; constructs never read
 * `process.env`.
 */
import { isIP } from "net";
import { distance } from "fastest-levenshtein";
import {
  FOREIGN_NAMES,
  OWN_PREFIXES,
  REPLACED_NAMES,
  SETTINGS,
  settingNamed,
} from "./settings";

/** Where a value came from, for messages: "environment", ".env" or ".env.prod". */
export type Source = string;

export interface EnvFile {
  /** As shown to users, e.g. ".env.prod". */
  readonly name: string;
  readonly vars: Readonly<Record<string, string>>;
}

export interface ConfigInput {
  /** The process environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `.env`, if present. */
  readonly dotenv?: EnvFile;
  /** `.env.<environment>` files that exist, by environment name. */
  readonly environmentFiles?: Readonly<Record<string, EnvFile>>;
}

/** How a secret is given: a value, a file on the machine running cdktf, or not at all. */
export type SecretInput =
  | { readonly kind: "value"; readonly value: string; readonly source: Source }
  | { readonly kind: "file"; readonly path: string; readonly source: Source }
  | { readonly kind: "generate" };

export type BackendConfig =
  | { readonly type: "local" }
  | {
      readonly type: "s3";
      readonly bucket: string;
      readonly region: string;
      readonly endpoint?: string;
      readonly prefix: string;
    }
  | { readonly type: "pg"; readonly schemaPrefix: string }
  | { readonly type: "http"; readonly baseUrl: string; readonly prefix: string };

export interface AppSettings {
  readonly bindAddress: string;
  readonly port: number;
  readonly memoryMb: number;
  readonly baseImage: string;
  readonly debug: boolean;
  readonly logLevel: string;
  readonly allowedHosts: readonly string[];
  readonly csrfTrustedOrigins: readonly string[];
  readonly secureProxySslHeader: boolean;
  readonly secureSslRedirect: boolean;
  readonly secureCookies: boolean;
  readonly hstsSeconds: number;
  readonly workers: number;
  readonly threads: number;
}

export interface DatabaseSettings {
  readonly image: string;
  readonly memoryMb: number;
  readonly name: string;
  readonly username: string;
  readonly host: string;
  readonly port: number;
  readonly deleteDataOnDestroy: boolean;
}

export interface StackConfig {
  readonly environment: string;
  readonly projectName: string;
  /** `<project>-<environment>`: prefix of every Docker object of this stack. */
  readonly namePrefix: string;
  readonly app: AppSettings;
  readonly database: DatabaseSettings;
  readonly secrets: {
    readonly djangoSecretKey: SecretInput;
    readonly databasePassword: SecretInput;
  };
}

export interface AppConfig {
  readonly projectName: string;
  readonly secretsDir: string;
  readonly backend: BackendConfig;
  readonly stacks: readonly StackConfig[];
}

export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: AppConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };

// Docker's reference grammar (distribution/reference), without the 255-character name limit.
const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PG_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const TRUE_WORDS = ["true", "1", "yes", "on"];
const FALSE_WORDS = ["false", "0", "no", "off"];
const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
const ENGINE_ALIASES: Readonly<Record<string, string>> = {
  postgresql: "postgresql",
  "django.db.backends.postgresql": "postgresql",
  postgresql_psycopg2: "postgresql",
  "django.db.backends.postgresql_psycopg2": "postgresql",
};

/** `prod-eu` -> `PROD_EU`: the suffix of per-environment variables such as DATABASE_PASSWORD__PROD_EU. */
export function envSuffix(environment: string): string {
  return environment.toUpperCase().replace(/-/g, "_");
}

/** True when a reference names an image without a tag or digest, or with the `latest` tag. */
export function isUnpinnedImage(ref: string): boolean {
  const m = IMAGE_REF.exec(ref);
  if (!m) return true;
  const [, tag, digest] = m;
  if (digest) return false;
  return !tag || tag === "latest";
}

class Reader {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly input: ConfigInput,
    /** null: global settings. */
    private readonly environment: string | null,
  ) {}

  /** The raw value and where it came from, honouring precedence. */
  raw(name: string): { value: string; source: Source } | undefined {
    const spec = settingNamed(name);
    if (spec.scope === "stack" && this.environment !== null) {
      // NAME__PROD: one environment's value in a shared process environment (CI secrets)
      const qualified = `${name}__${envSuffix(this.environment)}`;
      const v = this.input.env[qualified];
      if (v !== undefined && v !== "") return { value: v, source: `environment (${qualified})` };
    }
    const fromEnv = this.input.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, source: "environment" };
    if (spec.scope === "stack" && this.environment !== null) {
      const file = this.input.environmentFiles?.[this.environment];
      const v = file?.vars[name];
      if (v !== undefined && v !== "") return { value: v, source: file!.name };
    }
    const v = this.input.dotenv?.vars[name];
    if (v !== undefined && v !== "") return { value: v, source: this.input.dotenv!.name };
    return undefined;
  }

  private fail(name: string, got: { value: string; source: Source }, expected: string): void {
    const shown = settingNamed(name).secret ? "(value hidden)" : JSON.stringify(got.value);
    const where = this.environment ? ` for environment "${this.environment}"` : "";
    this.errors.push(`${name} ${expected}, got ${shown} (set in ${got.source}${where})`);
  }

  string(name: string, fallback: string, check?: (v: string) => string | undefined): string {
    const got = this.raw(name);
    if (!got) return fallback;
    const value = got.value.trim();
    const problem = check?.(value);
    if (problem) {
      this.fail(name, got, problem);
      return fallback;
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number, what?: string): number {
    const got = this.raw(name);
    if (!got) return fallback;
    const value = got.value.trim();
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(name, got, `must be ${what ?? `a whole number from ${min} to ${max}`}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const got = this.raw(name);
    if (!got) return fallback;
    const value = got.value.trim().toLowerCase();
    if (TRUE_WORDS.includes(value)) return true;
    if (FALSE_WORDS.includes(value)) return false;
    this.fail(name, got, "must be one of true/false, 1/0, yes/no, on/off");
    return fallback;
  }

  list(name: string, fallback: readonly string[], check?: (item: string) => string | undefined) {
    const got = this.raw(name);
    if (!got) return fallback;
    const items = got.value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    for (const item of items) {
      const problem = check?.(item);
      if (problem) {
        this.fail(name, got, `${problem} (bad item ${JSON.stringify(item)})`);
        return fallback;
      }
    }
    return items;
  }

  secret(valueName: string, fileName: string): SecretInput {
    const value = this.raw(valueName);
    const file = this.raw(fileName);
    if (value && file) {
      this.errors.push(
        `${valueName} and ${fileName} are both set (in ${value.source} and ${file.source}); keep one of them`,
      );
      return { kind: "generate" };
    }
    if (file) return { kind: "file", path: file.value.trim(), source: file.source };
    if (value) {
      if (/[\r\n]/.test(value.value)) {
        this.fail(valueName, value, "must be a single line");
        return { kind: "generate" };
      }
      return { kind: "value", value: value.value, source: value.source };
    }
    return { kind: "generate" };
  }
}

function imageProblem(v: string): string | undefined {
  if (!IMAGE_REF.test(v)) return "must be an image reference like postgres:17 or registry.example:5000/team/postgres:17";
  if (isUnpinnedImage(v)) return "must carry a tag other than latest, or a digest (e.g. postgres:17)";
  return undefined;
}

function readGlobal(input: ConfigInput, r: Reader) {
  const environments = r.list("ENVIRONMENTS", ["dev", "prod"], (e) =>
    ENVIRONMENT_NAME.test(e)
      ? undefined
      : "must list environment names of lower case letters, digits and '-', starting with a letter, at most 20 characters",
  );
  const seen = new Set<string>();
  for (const e of environments) {
    if (seen.has(e)) r.errors.push(`ENVIRONMENTS lists "${e}" twice; list each environment once`);
    seen.add(e);
  }
  if (environments.length === 0) {
    r.errors.push('ENVIRONMENTS must name at least one environment, e.g. "dev"');
  }
  const projectName = r.string("PROJECT_NAME", "django", (v) =>
    PROJECT_NAME.test(v)
      ? undefined
      : "must be lower case letters, digits and '-', starting with a letter or digit, at most 30 characters",
  );
  const secretsDir = r.string("SECRETS_DIR", ".secrets", (v) =>
    v.split(/[\\/]/).includes("cdktf.out")
      ? "must not be inside cdktf.out (synthesized files must never hold a secret)"
      : undefined,
  );
  const backend = readBackend(r, projectName);
  for (const e of environments) {
    const file = input.environmentFiles?.[e];
    if (file) {
      for (const name of Object.keys(file.vars)) {
        const spec = SETTINGS.find((s) => s.name === name);
        if (spec && spec.scope === "global") {
          r.warnings.push(
            `${name} in ${file.name} is ignored: it applies to every environment, so set it in .env or the process environment`,
          );
        }
      }
    }
  }
  return { environments, projectName, secretsDir, backend };
}

function readBackend(r: Reader, projectName: string): BackendConfig {
  const type = r.string("TF_BACKEND", "local", (v) =>
    ["local", "s3", "pg", "http"].includes(v) ? undefined : "must be one of local, s3, pg, http",
  );
  const prefix = r.string("TF_STATE_PREFIX", projectName, (v) =>
    /^[a-z0-9][a-z0-9_-]{0,39}$/.test(v)
      ? undefined
      : "must be lower case letters, digits, '-' and '_', at most 40 characters",
  );
  const required = (name: string, value: string): string => {
    if (value === "") r.errors.push(`${name} must be set when TF_BACKEND=${type}`);
    return value;
  };
  switch (type) {
    case "s3": {
      const bucket = required(
        "TF_S3_BUCKET",
        r.string("TF_S3_BUCKET", "", (v) =>
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : "must be a bucket name (3 to 63 characters: a-z, 0-9, '.', '-')",
        ),
      );
      const region = r.string("TF_S3_REGION", "us-east-1", (v) =>
        /^[a-z0-9-]{2,32}$/.test(v) ? undefined : "must be a region name like us-east-1",
      );
      const endpoint = r.string("TF_S3_ENDPOINT", "", httpUrlProblem);
      return { type, bucket, region, endpoint: endpoint || undefined, prefix };
    }
    case "pg": {
      const schemaPrefix = r.string("TF_PG_SCHEMA_PREFIX", prefix.replace(/-/g, "_"), (v) =>
        /^[a-z_][a-z0-9_]{0,39}$/.test(v) ? undefined : "must be lower case letters, digits and '_', at most 40 characters",
      );
      return { type, schemaPrefix };
    }
    case "http": {
      const baseUrl = required("TF_HTTP_BASE_URL", r.string("TF_HTTP_BASE_URL", "", httpUrlProblem));
      return { type, baseUrl: baseUrl.replace(/\/+$/, ""), prefix };
    }
    default:
      return { type: "local" };
  }
}

function httpUrlProblem(v: string): string | undefined {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return "must be an http:// or https:// URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http:// or https:// URL";
  if (url.username || url.password) {
    return "must not carry credentials; give them through the backend's own variables";
  }
  return undefined;
}

function readStack(
  r: Reader,
  environment: string,
  index: number,
  projectName: string,
): StackConfig {
  const bindAddress = r.string("APP_BIND_ADDRESS", "127.0.0.1", (v) =>
    isIP(v) ? undefined : "must be an IP address of the Docker host, e.g. 127.0.0.1 or 0.0.0.0",
  );
  const port = r.int("APP_PORT", 8000 + index, 1, 65535, "a whole number from 1 to 65535");
  const debug = r.bool("DEBUG", false);
  const allowedHosts = r.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"], (h) =>
    /^(\*|\.?[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])$/.test(h)
      ? undefined
      : "must be a comma list of host names (a leading '.' matches subdomains)",
  );
  const app: AppSettings = {
    bindAddress,
    port,
    memoryMb: r.int("APP_MEMORY_MB", 512, 64, 65536),
    baseImage: r.string("PYTHON_IMAGE", "python:3.13-slim", imageProblem),
    debug,
    logLevel: r
      .string("DJANGO_LOGLEVEL", "INFO", (v) =>
        LOG_LEVELS.includes(v.toUpperCase()) ? undefined : `must be one of ${LOG_LEVELS.join(", ")}`,
      )
      .toUpperCase(),
    allowedHosts,
    csrfTrustedOrigins: r.list("DJANGO_CSRF_TRUSTED_ORIGINS", [], (o) => {
      const problem = httpUrlProblem(o);
      if (problem) return "must be a comma list of origins like https://example.com";
      const u = new URL(o);
      return u.pathname !== "/" || u.search || u.hash || o.endsWith("/")
        ? "must be a comma list of origins (scheme and host, no path), like https://example.com"
        : undefined;
    }),
    secureProxySslHeader: r.bool("DJANGO_SECURE_PROXY_SSL_HEADER", false),
    secureSslRedirect: r.bool("DJANGO_SECURE_SSL_REDIRECT", false),
    secureCookies: r.bool("DJANGO_SECURE_COOKIES", false),
    hstsSeconds: r.int("DJANGO_SECURE_HSTS_SECONDS", 0, 0, 315360000),
    workers: r.int("GUNICORN_WORKERS", 2, 1, 64),
    threads: r.int("GUNICORN_THREADS", 4, 1, 64),
  };
  const engine = r.string("DATABASE_ENGINE", "postgresql", (v) =>
    ENGINE_ALIASES[v]
      ? undefined
      : "must be postgresql (this stack runs PostgreSQL; postgresql_psycopg2 is accepted as an alias)",
  );
  void engine; // validated only: the stack always runs PostgreSQL, and maps the alias for Django
  const identifier = (v: string) =>
    PG_IDENTIFIER.test(v)
      ? undefined
      : "must be letters, digits and '_', starting with a letter or '_', at most 63 characters";
  const database: DatabaseSettings = {
    image: r.string("POSTGRES_IMAGE", "postgres:17", imageProblem),
    memoryMb: r.int("POSTGRES_MEMORY_MB", 512, 64, 65536),
    name: r.string("DATABASE_NAME", "django", identifier),
    username: r.string("DATABASE_USERNAME", "django", identifier),
    host: r.string("DATABASE_HOST", "db", (v) =>
      ["localhost", "127.0.0.1", "::1"].includes(v)
        ? "must name the database container on the private network (e.g. db), not the app's own loopback"
        : DNS_LABEL.test(v)
          ? undefined
          : "must be a network alias: lower case letters, digits and '-', e.g. db",
    ),
    port: r.int("DATABASE_PORT", 5432, 1, 65535, "a whole number from 1 to 65535"),
    deleteDataOnDestroy: r.bool("DELETE_DATA_ON_DESTROY", false),
  };
  const secrets = {
    djangoSecretKey: r.secret("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE"),
    databasePassword: r.secret("DATABASE_PASSWORD", "DATABASE_PASSWORD_FILE"),
  };
  const key = secrets.djangoSecretKey;
  if (key.kind === "value") {
    const problem = secretKeyProblem(key.value);
    if (problem) {
      const msg = `DJANGO_SECRET_KEY ${problem}, got (value hidden) (set in ${key.source} for environment "${environment}"); remove it to have one generated, or set a random value of 50+ characters`;
      if (debug) r.warnings.push(msg);
      else r.errors.push(msg);
    }
  }
  const pw = secrets.databasePassword;
  if (pw.kind === "value" && pw.value.length < 12) {
    r.warnings.push(
      `DATABASE_PASSWORD is shorter than 12 characters (set in ${pw.source} for environment "${environment}"); remove it to have a strong one generated`,
    );
  }
  if (bindAddress === "0.0.0.0" || bindAddress === "::") {
    if (!r.raw("DJANGO_ALLOWED_HOSTS")) {
      r.warnings.push(
        `APP_BIND_ADDRESS=${bindAddress} publishes the app on every interface, but DJANGO_ALLOWED_HOSTS is the default (localhost only) for environment "${environment}"; set it to the host names users will reach`,
      );
    }
  }
  if (debug && environment === "prod") {
    r.warnings.push('DEBUG is on for environment "prod"; turn it off in production');
  }
  return {
    environment,
    projectName,
    namePrefix: `${projectName}-${environment}`,
    app,
    database,
    secrets,
  };
}

/** The rule of Django's `check --deploy` (security.W009), so a key Django calls weak never ships. */
export function secretKeyProblem(key: string): string | undefined {
  if (key.startsWith("django-insecure-")) return "starts with django-insecure- (a development key)";
  if (key.length < 50 || new Set(key).size < 5) {
    return "must be at least 50 characters with at least 5 different characters";
  }
  return undefined;
}

function typoWarnings(input: ConfigInput, environments: readonly string[]): string[] {
  const known = SETTINGS.map((s) => s.name);
  const sources: { name: string; keys: string[] }[] = [
    { name: "environment", keys: Object.keys(input.env) },
  ];
  if (input.dotenv) sources.push({ name: input.dotenv.name, keys: Object.keys(input.dotenv.vars) });
  for (const f of Object.values(input.environmentFiles ?? {})) {
    sources.push({ name: f.name, keys: Object.keys(f.vars) });
  }
  const warnings: string[] = [];
  const suffixes = environments.map(envSuffix);
  for (const { name: where, keys } of sources) {
    for (const rawKey of keys) {
      const qualified = /^(.+)__([A-Z0-9_]+)$/.exec(rawKey);
      const key = qualified ? qualified[1] : rawKey;
      if (qualified && where === "environment" && known.includes(key)) {
        const spec = SETTINGS.find((s) => s.name === key)!;
        if (spec.scope !== "stack") {
          warnings.push(`${rawKey} is ignored: ${key} applies to every environment; set ${key} instead`);
        } else if (!suffixes.includes(qualified[2])) {
          warnings.push(
            `${rawKey} (in environment) names no environment in ENVIRONMENTS (${environments.join(",")}); it is ignored`,
          );
        }
        continue;
      }
      if (known.includes(key) || FOREIGN_NAMES.includes(key)) continue;
      const replacement = REPLACED_NAMES[key];
      if (replacement) {
        warnings.push(`${rawKey} (in ${where}) is not read by this stack; set ${replacement} instead`);
        continue;
      }
      const fromFile = where !== "environment";
      if (!fromFile && !OWN_PREFIXES.some((p) => key.startsWith(p))) continue;
      const nearest = known
        .map((k) => ({ k, d: distance(k, key) }))
        .sort((a, b) => a.d - b.d)[0];
      warnings.push(
        nearest.d <= 3
          ? `${rawKey} (in ${where}) is not a known setting; did you mean ${nearest.k}?`
          : `${rawKey} (in ${where}) is not a known setting and is ignored`,
      );
    }
  }
  return warnings;
}

/** Reads and validates everything; returns all problems at once. */
export function buildConfig(input: ConfigInput): ConfigResult {
  const global = new Reader(input, null);
  const { environments, projectName, secretsDir, backend } = readGlobal(input, global);
  const errors = [...global.errors];
  const warnings = [...typoWarnings(input, environments), ...global.warnings];
  for (const name of Object.keys(input.environmentFiles ?? {})) {
    if (!environments.includes(name)) {
      warnings.push(
        `.env.${name} exists but "${name}" is not in ENVIRONMENTS (${environments.join(",")}); it is ignored`,
      );
    }
  }
  const stacks: StackConfig[] = [];
  environments.forEach((environment, index) => {
    const r = new Reader(input, environment);
    stacks.push(readStack(r, environment, index, projectName));
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  });
  errors.push(...clashes(stacks));
  const uniqueWarnings = [...new Set(warnings)];
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)], warnings: uniqueWarnings };
  return { ok: true, config: { projectName, secretsDir, backend, stacks }, warnings: uniqueWarnings };
}

/** Two environments on one Docker host must not want the same host port. */
function clashes(stacks: readonly StackConfig[]): string[] {
  const errors: string[] = [];
  for (let i = 0; i < stacks.length; i++) {
    for (let j = i + 1; j < stacks.length; j++) {
      const a = stacks[i].app;
      const b = stacks[j].app;
      const overlap =
        a.port === b.port &&
        (a.bindAddress === b.bindAddress ||
          ["0.0.0.0", "::"].includes(a.bindAddress) ||
          ["0.0.0.0", "::"].includes(b.bindAddress));
      if (overlap) {
        errors.push(
          `APP_PORT ${a.port} is used by both environments "${stacks[i].environment}" and "${stacks[j].environment}"; give each its own port in .env.${stacks[j].environment}`,
        );
      }
    }
  }
  return errors;
}
