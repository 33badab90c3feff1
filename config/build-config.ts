/**
 * Environment and `.env` files -> one typed, validated configuration per stack.
 *
 * Pure: takes the variables and file contents, returns either the configuration or every problem
 * at once. Reading files and writing secrets happen in `load-config.ts`.
 */
import { isIP } from "net";
import { isUnpinnedImage, parseImageReference } from "../constructs/image-reference";
import { ADMIN_ROLE, BOOTSTRAP_ROLE } from "../constructs/contracts";
import {
  entryConfig,
  entryPortClashes,
  entryProblems,
  readEntryPoint,
  readEntrySettings,
} from "./entry-config";
import { ProjectContext, REPOSITORY_ROOT, readProject, readProjectStack } from "./project-config";
import { Check, Reader, shownValue } from "./reader";
import { SETTINGS } from "./settings";
import { readSwarm } from "./swarm-config";
import { typoWarnings } from "./typos";
import {
  AppConfig,
  AppSettings,
  BackendConfig,
  ConfigInput,
  DatabaseSettings,
  ProxySettings,
  SecretInput,
  StackConfig,
  TlsSettings,
} from "./types";

export type ConfigResult =
  | { readonly ok: true; readonly config: AppConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,29}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PG_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
const ENGINE_ALIASES: Readonly<Record<string, string>> = {
  postgresql: "postgresql",
  "django.db.backends.postgresql": "postgresql",
  postgresql_psycopg2: "postgresql",
  "django.db.backends.postgresql_psycopg2": "postgresql",
};

const imageProblem: Check = (v) => {
  if (!parseImageReference(v))
    return "must be an image reference like postgres:17 or registry.example:5000/team/postgres:17";
  if (isUnpinnedImage(v)) return "must carry a tag other than latest, or a digest (e.g. postgres:17)";
  return undefined;
};

const httpUrlProblem: Check = (v) => {
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
};

/** A role the stack can create: not reserved by PostgreSQL or the stack, with room for the app role's `_app`. */
function roleNameProblem(v: string): string | undefined {
  if (/^pg_/i.test(v)) return "must not start with pg_ (PostgreSQL reserves those role names)";
  if ([ADMIN_ROLE, BOOTSTRAP_ROLE].includes(v.toLowerCase()))
    return `must not be ${v.toLowerCase()} (the stack's own administration role)`;
  if (v.length > 59) return "must be at most 59 characters (the app's role is <username>_app)";
  return undefined;
}

/** The rule of Django's `check --deploy` (security.W009), so a key Django calls weak never ships. */
/** Keys published in tutorials, templates and this project's own examples: never secret. */
const PUBLIC_KEYS = [
  "your_secret_key",
  "your-secret-key",
  "changeme",
  "change-me",
  "secret",
  "secret_key",
  "mysecretkey",
];

export function secretKeyProblem(key: string): string | undefined {
  if (PUBLIC_KEYS.includes(key.trim().toLowerCase())) return "is a publicly known example value";
  if (key.startsWith("django-insecure-")) return "starts with django-insecure- (a development key)";
  if (key.length < 50 || new Set(key).size < 5) {
    return "must be at least 50 characters with at least 5 different characters";
  }
  return undefined;
}

/** ENVIRONMENTS, checked; its problems go to `r`. */
function readEnvironmentList(r: Reader): readonly string[] {
  const environments = r.list("ENVIRONMENTS", (e) =>
    ENVIRONMENT_NAME.test(e)
      ? undefined
      : e.split(/\s+/).every((part) => ENVIRONMENT_NAME.test(part))
        ? `must separate environment names with commas, e.g. "${e.split(/\s+/).join(",")}"`
        : "must list environment names of lower case letters, digits and '-', starting with a letter, at most 20 characters",
  );
  for (const e of environments.filter((name) => name.endsWith("-app"))) {
    r.errors.push(
      `ENVIRONMENTS lists "${e}": names ending in -app are reserved (each environment's release stack is <environment>-app); rename it`,
    );
  }
  const seen = new Set<string>();
  for (const e of environments) {
    if (seen.has(e)) r.errors.push(`ENVIRONMENTS lists "${e}" twice; list each environment once`);
    seen.add(e);
  }
  if (environments.length === 0) {
    const got = r.raw("ENVIRONMENTS");
    if (got) r.fail("ENVIRONMENTS", got, 'must name at least one environment, e.g. "dev"');
    else r.errors.push('ENVIRONMENTS must name at least one environment, e.g. "dev"');
  }
  return environments;
}

/**
 * ENVIRONMENTS alone, as buildConfig reads and checks it (the same messages): for the command
 * line, which needs the environment names before anything else is read.
 */
export function readEnvironments(
  input: ConfigInput,
): { ok: true; environments: readonly string[] } | { ok: false; errors: readonly string[] } {
  const r = new Reader(input, null);
  const environments = readEnvironmentList(r);
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, environments };
}

function readGlobal(input: ConfigInput, r: Reader) {
  const environments = readEnvironmentList(r);
  const projectName = r.string("PROJECT_NAME", (v) =>
    PROJECT_NAME.test(v)
      ? undefined
      : "must be lower case letters, digits and '-', starting with a letter or digit, at most 30 characters",
  );
  const secretsDir = r.string("SECRETS_DIR", (v) =>
    v.split(/[\\/]/).includes("cdktf.out")
      ? "must not be inside cdktf.out (synthesized files must never hold a secret)"
      : undefined,
  );
  const backend = readBackend(r, projectName);
  const backups = {
    dir: r.string("BACKUP_DIR", (v) =>
      v.split(/[\\/]/).includes("cdktf.out")
        ? "must not be inside cdktf.out (it is rewritten by every synth)"
        : undefined,
    ),
    kept: r.int("BACKUPS_KEPT"),
    copyTo: r.string("BACKUP_COPY_TO") || undefined,
  };
  for (const e of environments) {
    const file = input.environmentFiles?.[e];
    if (!file) continue;
    for (const name of Object.keys(file.vars)) {
      const spec = SETTINGS.find((s) => s.name === name);
      if (spec && spec.scope === "global") {
        r.warnings.push(
          `${name} in ${file.name} is ignored: it applies to every environment, so set it in .env or the process environment`,
        );
      }
    }
  }
  const project = readProject(r, input.rootDir ?? REPOSITORY_ROOT, { secretsDir, backupDir: backups.dir });
  return { environments, projectName, secretsDir, backend, backups, project };
}

/** The settings read only by one backend. */
const BACKEND_SETTINGS: Readonly<Record<"s3" | "pg" | "http", readonly string[]>> = {
  s3: ["TF_S3_BUCKET", "TF_S3_REGION", "TF_S3_ENDPOINT"],
  pg: ["TF_PG_SCHEMA_PREFIX"],
  http: ["TF_HTTP_BASE_URL"],
};

function readBackend(r: Reader, projectName: string): BackendConfig {
  const type = r.string("TF_BACKEND", (v) =>
    ["local", "s3", "pg", "http"].includes(v) ? undefined : "must be one of local, s3, pg, http",
  );
  const prefix = r.string(
    "TF_STATE_PREFIX",
    (v) =>
      /^[a-z0-9][a-z0-9_-]{0,39}$/.test(v)
        ? undefined
        : "must be lower case letters, digits, '-' and '_', at most 40 characters",
    projectName,
  );
  // settings of another backend than the one chosen are never read: say so, not silently ignore them
  // (a TF_BACKEND that was refused has its own message)
  const backendGiven = r.raw("TF_BACKEND");
  const unused = Object.entries(BACKEND_SETTINGS).filter(([backend]) => backend !== type);
  for (const [backend, names] of backendGiven && backendGiven.value.trim() !== type ? [] : unused) {
    const given = names.filter((name) => r.raw(name));
    if (given.length === 0) continue;
    const chosen = backendGiven ? `TF_BACKEND=${type}` : `TF_BACKEND=${type} (the default)`;
    r.warnings.push(
      `${given.join(", ")} ${given.length === 1 ? "has" : "have"} no effect with ${chosen}; set TF_BACKEND=${backend} to keep the state there, or remove ${given.length === 1 ? "it" : "them"}`,
    );
  }
  const required = (name: string, value: string): string => {
    // a value that was given but refused has its own message
    if (value === "" && !r.raw(name)) r.errors.push(`${name} must be set when TF_BACKEND=${type}`);
    return value;
  };
  switch (type) {
    case "s3": {
      const bucket = required(
        "TF_S3_BUCKET",
        r.string("TF_S3_BUCKET", (v) =>
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v)
            ? undefined
            : "must be a bucket name (3 to 63 characters: a-z, 0-9, '.', '-')",
        ),
      );
      const region = r.string("TF_S3_REGION", (v) =>
        /^[a-z0-9-]{2,32}$/.test(v) ? undefined : "must be a region name like us-east-1",
      );
      const endpoint = r.string("TF_S3_ENDPOINT", httpUrlProblem);
      return { type, bucket, region, endpoint: endpoint || undefined, prefix };
    }
    case "pg": {
      const schemaPrefix = r.string(
        "TF_PG_SCHEMA_PREFIX",
        (v) =>
          /^[a-z_][a-z0-9_]{0,39}$/.test(v)
            ? undefined
            : "must be lower case letters, digits and '_', at most 40 characters",
        prefix.replace(/-/g, "_"),
      );
      return { type, schemaPrefix };
    }
    case "http": {
      const baseUrl = required("TF_HTTP_BASE_URL", r.string("TF_HTTP_BASE_URL", httpUrlProblem));
      return { type, baseUrl: baseUrl.replace(/\/+$/, ""), prefix };
    }
    default:
      return { type: "local" };
  }
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const cpusCheck: Check = (v) =>
  /^\d+(\.\d{1,2})?$/.test(v) && Number(v) >= 0.01 && Number(v) <= 256
    ? undefined
    : "must be a number of CPUs from 0.01 to 256, at most two decimals (e.g. 0.5)";
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

function readProxy(r: Reader, index: number, port: number, environment: string): ProxySettings {
  const enabled = r.bool("PROXY");
  const image = r.string("PROXY_IMAGE", imageProblem);
  const domain =
    r
      .string("DOMAIN", (v) =>
        HOST_NAME.test(v.toLowerCase())
          ? undefined
          : "must be a host name like app.example.com (no scheme, port or path)",
      )
      .toLowerCase() || undefined;
  const mode = r.string("TLS_MODE", (v) =>
    ["acme", "internal", "files"].includes(v) ? undefined : "must be one of acme, internal, files",
  );
  const email = r.string("ACME_EMAIL", (v) => (EMAIL.test(v) ? undefined : "must be an email address"));
  const entry = readEntryPoint(r, environment);
  const httpsPort = entry.httpsPort ?? r.int("APP_HTTPS_PORT", 8443 + index);
  const where = `for environment "${environment}"`;
  if (domain && !enabled) {
    r.errors.push(
      `DOMAIN=${domain} is set but PROXY=${r.raw("PROXY")?.value.trim()} ${where}: HTTPS is served by the proxy; set PROXY=true or unset DOMAIN`,
    );
  }
  if (!domain) {
    for (const name of ["TLS_MODE", "ACME_EMAIL", "TLS_CERT_FILE", "TLS_KEY_FILE", "APP_HTTPS_PORT"]) {
      if (r.raw(name))
        r.warnings.push(`${name} has no effect without DOMAIN ${where}; set DOMAIN to serve HTTPS`);
    }
  } else if (entry.entryPoint === "own" && httpsPort === port) {
    r.errors.push(
      `APP_HTTPS_PORT and APP_PORT are both ${port} ${where}; give HTTPS its own port (443 for a public site)`,
    );
  }
  let tls: TlsSettings;
  if (mode === "files") {
    const file = (name: string): SecretInput => {
      const got = r.raw(name);
      if (!got) {
        if (domain)
          r.errors.push(`${name} must be set when TLS_MODE=files ${where}; give the path of the PEM file`);
        return { kind: "generate" };
      }
      return { kind: "file", path: got.value.trim(), source: got.source };
    };
    tls = { mode, certFile: file("TLS_CERT_FILE"), keyFile: file("TLS_KEY_FILE") };
  } else if (mode === "internal") {
    tls = { mode };
  } else {
    tls = { mode: "acme", email: email || undefined };
  }
  return { enabled, image, domain, tls, httpsPort, entryPoint: entry.entryPoint };
}

/**
 * The URL the deploy prints: HTTPS at the domain, else the published address under a host name the
 * allowed hosts accept (so it answers instead of 400). Warns when no such name exists.
 */
function appUrl(
  r: Reader,
  environment: string,
  bindAddress: string,
  port: number,
  allowedHosts: readonly string[],
  proxy: ProxySettings,
): string {
  if (proxy.domain) return `https://${proxy.domain}${proxy.httpsPort === 443 ? "" : `:${proxy.httpsPort}`}/`;
  const everywhere = bindAddress === "0.0.0.0" || bindAddress === "::";
  const loopback = everywhere || bindAddress === "127.0.0.1" || bindAddress === "::1";
  const ip = bindAddress.includes(":")
    ? `[${everywhere ? "::1" : bindAddress}]`
    : everywhere
      ? "127.0.0.1"
      : bindAddress;
  const allows = (host: string) =>
    allowedHosts.some(
      (h) => h === "*" || h === host || (h.startsWith(".") && (host === h.slice(1) || host.endsWith(h))),
    );
  const candidates = [ip, ...(loopback ? ["localhost", "127.0.0.1"] : [])];
  const host = candidates.find(allows);
  const suffix = port === 80 ? "" : `:${port}`;
  if (!proxy.enabled) return `http://${host ?? ip}${suffix}/`;
  if (!host) {
    r.warnings.push(
      `DJANGO_ALLOWED_HOSTS (${allowedHosts.join(",")}) names no host for the address the app is published on (${bindAddress}) for environment "${environment}": http://${ip}${suffix}/ would answer 400 Bad Request; add ${loopback ? "localhost or 127.0.0.1" : ip} to DJANGO_ALLOWED_HOSTS, or the host name your users type`,
    );
  }
  return `http://${host ?? ip}${suffix}/`;
}

function readStack(
  r: Reader,
  environment: string,
  index: number,
  projectName: string,
  input: ConfigInput,
  project: ProjectContext,
): StackConfig {
  const bindAddress = r.string("APP_BIND_ADDRESS", (v) =>
    isIP(v) ? undefined : "must be an IP address of the Docker host, e.g. 127.0.0.1 or 0.0.0.0",
  );
  const kind = r.string(
    "ENVIRONMENT_KIND",
    (v) => (["production", "development"].includes(v) ? undefined : "must be production or development"),
    ["prod", "production"].includes(environment) ? "production" : "development",
  ) as "production" | "development";
  const debug = r.bool("DEBUG");
  const port = r.int("APP_PORT", 8000 + index);
  const proxy = readProxy(r, index, port, environment);
  const https = proxy.domain !== undefined;
  /** A boolean whose default is on when the app is served over HTTPS. */
  const httpsBool = (name: string) => (https && !r.raw(name) ? true : r.bool(name));
  const allowedHosts = r.list("DJANGO_ALLOWED_HOSTS", (h) =>
    /^(\*|\.?[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])$/.test(h)
      ? undefined
      : "must be a comma list of host names (a leading '.' matches subdomains)",
  );
  const httpsOrigin = https
    ? `https://${proxy.domain}${proxy.httpsPort === 443 ? "" : `:${proxy.httpsPort}`}`
    : undefined;
  const app: AppSettings = {
    ...readProjectStack(r, input, environment, project),
    bindAddress,
    port,
    memoryMb: r.int("APP_MEMORY_MB"),
    baseImage: r.string("PYTHON_IMAGE", imageProblem),
    debug,
    logLevel: r
      .string("DJANGO_LOGLEVEL", (v) =>
        LOG_LEVELS.includes(v.toUpperCase()) ? undefined : `must be one of ${LOG_LEVELS.join(", ")}`,
      )
      .toUpperCase(),
    allowedHosts:
      proxy.domain && !allowedHosts.includes(proxy.domain) ? [...allowedHosts, proxy.domain] : allowedHosts,
    csrfTrustedOrigins: ((origins) =>
      httpsOrigin && !origins.includes(httpsOrigin) ? [...origins, httpsOrigin] : origins)(
      r.list("DJANGO_CSRF_TRUSTED_ORIGINS", (o) => {
        if (httpUrlProblem(o)) return "must be a comma list of origins like https://example.com";
        const u = new URL(o);
        return u.pathname !== "/" || u.search || u.hash || o.endsWith("/")
          ? "must be a comma list of origins (scheme and host, no path), like https://example.com"
          : undefined;
      }),
    ),
    // behind the proxy the scheme header is the proxy's own (it overwrites what clients send)
    secureProxySslHeader:
      proxy.enabled && !r.raw("DJANGO_SECURE_PROXY_SSL_HEADER")
        ? true
        : r.bool("DJANGO_SECURE_PROXY_SSL_HEADER"),
    secureSslRedirect: httpsBool("DJANGO_SECURE_SSL_REDIRECT"),
    secureCookies: httpsBool("DJANGO_SECURE_COOKIES"),
    hstsSeconds: https && !r.raw("DJANGO_SECURE_HSTS_SECONDS") ? 3600 : r.int("DJANGO_SECURE_HSTS_SECONDS"),
    workers: r.int("GUNICORN_WORKERS"),
    threads: r.int("GUNICORN_THREADS"),
    healthTimeout: r.int("APP_HEALTH_TIMEOUT"),
    cpus: Number(r.string("APP_CPUS", cpusCheck)),
    releasesKept: r.int("RELEASES_KEPT"),
    image: r.string("APP_IMAGE", imageProblem) || undefined,
    url: appUrl(r, environment, bindAddress, port, allowedHosts, proxy),
  };
  // validated only: the stack always runs PostgreSQL, and maps the alias for Django
  r.string("DATABASE_ENGINE", (v) =>
    ENGINE_ALIASES[v]
      ? undefined
      : "must be postgresql (this stack runs PostgreSQL; postgresql_psycopg2 is accepted as an alias)",
  );
  const identifier: Check = (v) =>
    PG_IDENTIFIER.test(v)
      ? undefined
      : "must be letters, digits and '_', starting with a letter or '_', at most 63 characters";
  const database: DatabaseSettings = {
    image: r.string("POSTGRES_IMAGE", imageProblem),
    memoryMb: r.int("POSTGRES_MEMORY_MB"),
    cpus: Number(r.string("POSTGRES_CPUS", cpusCheck)),
    name: r.string("DATABASE_NAME", identifier),
    username: r.string("DATABASE_USERNAME", (v) => identifier(v) ?? roleNameProblem(v)),
    host: r.string("DATABASE_HOST", (v) =>
      ["localhost", "127.0.0.1", "::1"].includes(v)
        ? "must name the database container on the private network (e.g. db), not the app's own loopback"
        : DNS_LABEL.test(v)
          ? undefined
          : "must be a network alias: lower case letters, digits and '-', e.g. db",
    ),
    port: r.int("DATABASE_PORT"),
    deleteDataOnDestroy: r.bool("DELETE_DATA_ON_DESTROY"),
  };
  const secrets = {
    djangoSecretKey: r.secret("DJANGO_SECRET_KEY"),
    databasePassword: r.secret("DATABASE_PASSWORD"),
  };
  const key = secrets.djangoSecretKey;
  // in production these are errors; in development, warnings
  const unsafe = (message: string) => (kind === "production" ? r.errors : r.warnings).push(message);
  const kindSource = r.raw("ENVIRONMENT_KIND")
    ? "ENVIRONMENT_KIND=production"
    : `the environment's name (set ENVIRONMENT_KIND=development if it is not)`;
  if (key.kind === "value") {
    const problem = secretKeyProblem(key.value);
    if (problem) {
      const msg = `DJANGO_SECRET_KEY ${problem}, got (value hidden) (set in ${key.source} for environment "${environment}"); remove it to have one generated, or set a random value of 50+ characters`;
      if (kind === "production" || !debug) r.errors.push(msg);
      else r.warnings.push(msg);
    }
  }
  if (debug) {
    const got = r.raw("DEBUG")!;
    const given = `got ${shownValue(got.value)} (set in ${got.source})`;
    unsafe(
      kind === "production"
        ? `DEBUG is on for environment "${environment}", which is a production environment (by ${kindSource}), ${given}; set DEBUG=false`
        : `DEBUG is on for environment "${environment}" (a development environment${r.raw("ENVIRONMENT_KIND") ? ", by ENVIRONMENT_KIND=development" : ""}), ${given}: pages show settings and code on errors; never use it in production`,
    );
  }
  if (kind === "production" && app.allowedHosts.length === 0) {
    const got = r.raw("DJANGO_ALLOWED_HOSTS");
    r.errors.push(
      `DJANGO_ALLOWED_HOSTS names no host${got ? `, got ${shownValue(got.value)} (set in ${got.source})` : ""} for environment "${environment}", a production environment; set the host names users reach, e.g. DJANGO_ALLOWED_HOSTS=app.example.com`,
    );
  }
  const pw = secrets.databasePassword;
  if (pw.kind === "value" && pw.value.length < 12) {
    r.warnings.push(
      `DATABASE_PASSWORD is shorter than 12 characters (set in ${pw.source} for environment "${environment}"); remove it to have a strong one generated`,
    );
  }
  if ((bindAddress === "0.0.0.0" || bindAddress === "::") && !r.raw("DJANGO_ALLOWED_HOSTS")) {
    r.warnings.push(
      `APP_BIND_ADDRESS=${bindAddress} publishes the app on every interface, but DJANGO_ALLOWED_HOSTS is the default (localhost only) for environment "${environment}"; set it to the host names users will reach`,
    );
  }
  const target = readSwarm(r, environment, app, proxy);
  return {
    environment,
    project: project.settings,
    kind,
    projectName,
    namePrefix: `${projectName}-${environment}`,
    app: target.app,
    proxy,
    database,
    secrets,
    ...(target.swarm ? { swarm: target.swarm } : {}),
  };
}

export interface BuildOptions {
  /**
   * Check and return only these environments (a deploy of `dev` is not stopped by a problem in
   * `prod`); the others are still read, so that a port two environments want is still caught.
   * @default every environment in ENVIRONMENTS
   */
  readonly only?: readonly string[];
  /**
   * Check the shared entry point too (its stack is being built), as when an environment it serves is
   * wanted. @default false
   */
  readonly entry?: boolean;
}

/** Reads and validates everything; returns all problems at once. */
export function buildConfig(input: ConfigInput, options: BuildOptions = {}): ConfigResult {
  const global = new Reader(input, null);
  const { environments, projectName, secretsDir, backend, backups, project } = readGlobal(input, global);
  const entrySettings = readEntrySettings(global, imageProblem);
  const errors = [...global.errors];
  const warnings = [...typoWarnings(input, environments), ...global.warnings];
  for (const file of input.unreadFiles ?? []) {
    const stem = file
      .replace(/^\.env[._-]?/i, "")
      .replace(/\.env$/i, "")
      .toLowerCase();
    const meant = environments.find((e) => e === stem || e.startsWith(stem) || stem.startsWith(e));
    warnings.push(
      `${file} is not read${meant ? `: the file for environment "${meant}" is named .env.${meant}` : "; environment files are named .env.<environment> (lower case)"}`,
    );
  }
  for (const name of Object.keys(input.environmentFiles ?? {})) {
    if (!environments.includes(name)) {
      warnings.push(
        `.env.${name} exists but "${name}" is not in ENVIRONMENTS (${environments.join(",")}); it is ignored`,
      );
    }
  }
  const wanted = (environment: string) => !options.only || options.only.includes(environment);
  for (const name of options.only ?? []) {
    if (!environments.includes(name)) {
      errors.push(
        `environment "${name}" is not in ENVIRONMENTS (${environments.join(",")}); add it there or pick one of those`,
      );
    }
  }
  const stacks: StackConfig[] = [];
  environments.forEach((environment, index) => {
    const r = new Reader(input, environment);
    stacks.push(readStack(r, environment, index, projectName, input, project));
    if (!wanted(environment)) return;
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  });
  errors.push(...clashes(stacks, wanted));
  if (options.entry || stacks.some((s) => wanted(s.environment) && s.proxy.entryPoint === "shared"))
    errors.push(...entryProblems(entrySettings, stacks));
  // an environment with its own ports, deployed while others use the entry point: its ports must be free
  else errors.push(...entryPortClashes(entrySettings, stacks, wanted));
  const uniqueWarnings = [...new Set(warnings)];
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)], warnings: uniqueWarnings };
  return {
    ok: true,
    config: {
      projectName,
      project: project.settings,
      secretsDir,
      backend,
      backups,
      stacks: stacks.filter((s) => wanted(s.environment)),
      entry: entryConfig(projectName, entrySettings, stacks),
    },
    warnings: uniqueWarnings,
  };
}

/** The host ports an environment publishes, by the setting that chose each. */
function publishedPorts(stack: StackConfig): { setting: string; port: number }[] {
  // behind the shared entry point, an environment publishes nothing (entry-config.ts checks its ports)
  if (!stack.proxy.enabled || stack.proxy.entryPoint === "shared") return [];
  const ports = [{ setting: "APP_PORT", port: stack.app.port }];
  if (stack.proxy.domain) ports.push({ setting: "APP_HTTPS_PORT", port: stack.proxy.httpsPort });
  return ports;
}

/** Two environments on one Docker host must not want the same host port. */
function clashes(stacks: readonly StackConfig[], wanted: (environment: string) => boolean): string[] {
  const errors: string[] = [];
  const everywhere = ["0.0.0.0", "::"];
  for (let i = 0; i < stacks.length; i++) {
    for (let j = i + 1; j < stacks.length; j++) {
      const [x, y] = [stacks[i], stacks[j]];
      const sameAddress =
        x.app.bindAddress === y.app.bindAddress ||
        everywhere.includes(x.app.bindAddress) ||
        everywhere.includes(y.app.bindAddress);
      if (!sameAddress || !(wanted(x.environment) || wanted(y.environment))) continue;
      for (const pa of publishedPorts(x)) {
        for (const pb of publishedPorts(y)) {
          if (pa.port !== pb.port) continue;
          errors.push(
            pa.setting === pb.setting
              ? `${pa.setting} ${pa.port} is used by both environments "${x.environment}" and "${y.environment}"; give each its own port in .env.${y.environment}`
              : `port ${pa.port} is ${pa.setting} of environment "${x.environment}" and ${pb.setting} of environment "${y.environment}"; give each its own port in .env.${y.environment}`,
          );
        }
      }
    }
  }
  return errors;
}
