/**
 * The bad-input table: values a user can give through each input path, and what each must end in.
 *
 * - `refused`: the problem is reported (not thrown) in one message that names the field, shows the
 *   bad value (or "(value hidden)" for a secret, whose text must appear nowhere) and says the fix;
 *   no stack trace; within `withinMs`.
 * - `accepted`: no error, and the typed value is the one the user meant (checked by `accepted`).
 *
 * Pure data plus closures over `Tools`: importing it loads no product code, so the test can list
 * the cases at once and run them in a child process that a watchdog can kill.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { ParsedArgs } from "../../scripts/cli/args";
import type { AppConfig, StackConfig } from "../../config/types";
import type { StackSecrets } from "../../config/secret-store";
import type { Tools } from "./tools";

export type InputPath = "setting" | ".env file" | "CLI argument" | "secret file" | "construct prop";

export interface Outcome {
  readonly ok: boolean;
  readonly errors: readonly string[];
  readonly warnings?: readonly string[];
  /** What was accepted (the typed configuration, the parsed arguments, the synthesized stack). */
  readonly value?: unknown;
}

export interface Refusal {
  /** The setting, flag, prop or file, as the message must name it. */
  readonly field: string;
  /** The bad value as the message must show it (quoted where the product quotes it). */
  readonly value: string;
  /** The fix the same message must give. */
  readonly fix: RegExp;
  /** Text that must appear in no message at all (a secret value, a raw control character). */
  readonly absent?: string;
}

interface Common {
  readonly path: InputPath;
  readonly name: string;
  /** @default 2000 (secret and .env files: 1000, "a clear error within a second") */
  readonly withinMs?: number;
}

/** Run in-process (in the case runner, `case-runner.ts`). */
export type InProcessCase = Common & {
  readonly run: (t: Tools) => Outcome;
} & ({ readonly refused: Refusal } | { readonly accepted: (o: Outcome) => void });

/** Run as a real `scripts/cli.ts` process in a scratch project (see `harness.ts`). */
export interface ProcessCase extends Common {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Creates files in the scratch project (its `.env`, a FIFO, ...). */
  readonly setup?: (dir: string, t: { mkfifo: (file: string) => void }) => void;
  readonly exitCode: 1 | 2;
  readonly refused: Refusal;
}

export type Case = InProcessCase | ProcessCase;

export const isProcessCase = (c: Case): c is ProcessCase => "argv" in c;

// --- helpers for the checks of accepted values ---------------------------------------------------

function config(o: Outcome): AppConfig {
  const v = o.value as AppConfig | { config: AppConfig };
  return "config" in v ? v.config : v;
}
function stack(o: Outcome, environment: string): StackConfig {
  const s = config(o).stacks.find((x) => x.environment === environment);
  assert.ok(s, `no stack ${environment}`);
  return s;
}
function warned(o: Outcome, pattern: RegExp): void {
  assert.ok(
    (o.warnings ?? []).some((w) => pattern.test(w)),
    `no warning matches ${pattern}: ${JSON.stringify(o.warnings)}`,
  );
}
function args(o: Outcome): ParsedArgs {
  return o.value as ParsedArgs;
}
/** The value of a secret file the load wrote, read back. */
function stored(o: Outcome, environment: string, key: "databasePassword" | "djangoSecretKey"): string {
  const v = o.value as { secrets: Record<string, StackSecrets>; dir: string };
  return fs.readFileSync(path.join(v.dir, v.secrets[environment][key]!.path), "utf8");
}
/** Containers' (or other resources') attributes in a synthesized stack. */
function resources(o: Outcome, type: string): Record<string, unknown>[] {
  const json = o.value as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return Object.values(json.resource?.[type] ?? {});
}

const GOOD_KEY = "k7-Qm2vX9pL4zR8tW1nB6cY3hJ5gF0sD-eU8iO2uP7yT4rE9wQ3aZ";
const DIGEST = `sha256:${"a1".repeat(32)}`;
const MUST_BE_NUMBER = (min: number, max: number) =>
  new RegExp(`must be a whole number from ${min} to ${max}`);

// --- settings: the process environment (and NAME__<ENV>), as buildConfig reads them ------------

const setting = (
  name: string,
  env: Record<string, string>,
  refused: Refusal,
  only?: readonly string[],
): InProcessCase => ({ path: "setting", name, run: (t) => t.settings(env, only), refused });

const settingOk = (name: string, env: Record<string, string>, accepted: (o: Outcome) => void) =>
  ({ path: "setting", name, run: (t) => t.settings(env), accepted }) as InProcessCase;

const SETTINGS: Case[] = [
  setting(
    "ENVIRONMENTS with upper case",
    { ENVIRONMENTS: "Dev,prod" },
    {
      field: "ENVIRONMENTS",
      value: '"Dev,prod"',
      fix: /lower case letters, digits and '-', starting with a letter/,
    },
  ),
  setting(
    "ENVIRONMENTS separated by a space, not a comma",
    { ENVIRONMENTS: "dev prod" },
    {
      field: "ENVIRONMENTS",
      value: '"dev prod"',
      fix: /separate environment names with commas, e\.g\. "dev,prod"/,
    },
  ),
  setting(
    "ENVIRONMENTS naming one twice",
    { ENVIRONMENTS: "dev,dev" },
    { field: "ENVIRONMENTS", value: '"dev"', fix: /list each environment once/ },
  ),
  setting(
    "ENVIRONMENTS with a reserved -app name",
    { ENVIRONMENTS: "dev,prod-app" },
    { field: "ENVIRONMENTS", value: '"prod-app"', fix: /rename it/ },
  ),
  setting(
    "ENVIRONMENTS of commas only",
    { ENVIRONMENTS: " , " },
    { field: "ENVIRONMENTS", value: '" , "', fix: /must name at least one environment, e.g. "dev"/ },
  ),
  setting(
    "ENVIRONMENTS with a 21-character name",
    { ENVIRONMENTS: "abcdefghijklmnopqrstu" },
    { field: "ENVIRONMENTS", value: '"abcdefghijklmnopqrstu"', fix: /at most 20 characters/ },
  ),
  setting(
    "SYNTH_ONLY naming an environment not in ENVIRONMENTS",
    {},
    { field: "ENVIRONMENTS", value: '"staging"', fix: /add it there or pick one of those/ },
    ["staging"],
  ),
  setting(
    "PROJECT_NAME with a space and capitals",
    { PROJECT_NAME: "My App" },
    { field: "PROJECT_NAME", value: '"My App"', fix: /lower case letters, digits and '-'/ },
  ),
  setting(
    "PROJECT_NAME with a non-ASCII letter",
    { PROJECT_NAME: "djängo" },
    { field: "PROJECT_NAME", value: '"djängo"', fix: /lower case letters, digits and '-'/ },
  ),
  setting(
    "APP_PORT 0",
    { APP_PORT: "0" },
    { field: "APP_PORT", value: '"0"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT 65536",
    { APP_PORT: "65536" },
    { field: "APP_PORT", value: '"65536"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT with a fraction",
    { APP_PORT: "80.5" },
    { field: "APP_PORT", value: '"80.5"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT in hex",
    { APP_PORT: "0x1F90" },
    { field: "APP_PORT", value: '"0x1F90"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT in exponent notation",
    { APP_PORT: "8e3" },
    { field: "APP_PORT", value: '"8e3"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT negative",
    { APP_PORT: "-1" },
    { field: "APP_PORT", value: '"-1"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT of 10,000 digits (shown cut, with its length)",
    { APP_PORT: "9".repeat(10_000) },
    { field: "APP_PORT", value: '..." (10000 characters)', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT__PROD (per-environment) not a number",
    { APP_PORT__PROD: "abc" },
    { field: "APP_PORT__PROD", value: '"abc"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "APP_PORT the same for two environments",
    { APP_PORT: "8000" },
    { field: "APP_PORT 8000", value: '"dev" and "prod"', fix: /give each its own port in \.env\.prod/ },
  ),
  setting(
    "APP_HTTPS_PORT equal to APP_PORT",
    { ENVIRONMENTS: "dev", DOMAIN: "app.example.com", APP_PORT: "9000", APP_HTTPS_PORT: "9000" },
    { field: "APP_HTTPS_PORT", value: "both 9000", fix: /give HTTPS its own port/ },
  ),
  setting(
    "APP_BIND_ADDRESS as a host name",
    { APP_BIND_ADDRESS: "localhost" },
    { field: "APP_BIND_ADDRESS", value: '"localhost"', fix: /must be an IP address of the Docker host/ },
  ),
  setting(
    "DEBUG maybe",
    { DEBUG: "maybe" },
    { field: "DEBUG", value: '"maybe"', fix: /must be one of true\/false, 1\/0, yes\/no, on\/off/ },
  ),
  setting(
    "DEBUG with a terminal escape sequence (shown escaped)",
    { DEBUG: "\x1b[31mtrue" },
    { field: "DEBUG", value: '"\\u001b[31mtrue"', fix: /must be one of true\/false/, absent: "\x1b" },
  ),
  setting(
    "DEBUG with a zero-width space (shown escaped, not as an invisible character)",
    { DEBUG: "\u200btrue" },
    { field: "DEBUG", value: '"\\u{200B}true"', fix: /must be one of true\/false/, absent: "\u200b" },
  ),
  setting(
    "DJANGO_ALLOWED_HOSTS with a no-break space (shown escaped)",
    { DJANGO_ALLOWED_HOSTS: "app\u00a0.example.com" },
    {
      field: "DJANGO_ALLOWED_HOSTS",
      value: '"app\\u{A0}.example.com"',
      fix: /comma list of host names/,
      absent: "\u00a0",
    },
  ),
  setting(
    "DATABASE_PASSWORD of spaces only",
    { DATABASE_PASSWORD: "   " },
    {
      field: "DATABASE_PASSWORD",
      value: "(value hidden)",
      fix: /only whitespace.*remove it to have one generated/,
    },
  ),
  setting(
    "DJANGO_SECRET_KEY of spaces only",
    { DJANGO_SECRET_KEY: "  " },
    { field: "DJANGO_SECRET_KEY", value: "(value hidden)", fix: /only whitespace.*give the real value/ },
  ),
  setting(
    "APP_SECRET_TOKEN of a space only",
    { APP_SECRET_TOKEN: " " },
    {
      field: "APP_SECRET_TOKEN",
      value: "(value hidden)",
      fix: /only whitespace.*give the real value, or remove it/,
    },
  ),
  setting(
    "DEBUG=True in prod (production by its name)",
    { DEBUG: "True" },
    { field: "DEBUG", value: '"True"', fix: /production environment .*; set DEBUG=false/ },
  ),
  setting(
    "DEBUG__PROD=1 (per-environment) in prod",
    { DEBUG__PROD: "1" },
    { field: "DEBUG__PROD", value: '"1"', fix: /set DEBUG=false/ },
  ),
  setting(
    "DEBUG on in an environment made production by ENVIRONMENT_KIND",
    { ENVIRONMENTS: "dev", ENVIRONMENT_KIND__DEV: "production", DEBUG__DEV: "on" },
    { field: "DEBUG", value: '"on"', fix: /by ENVIRONMENT_KIND=production.*set DEBUG=false/ },
  ),
  setting(
    "ENVIRONMENT_KIND abbreviated",
    { ENVIRONMENT_KIND: "prod" },
    { field: "ENVIRONMENT_KIND", value: '"prod"', fix: /must be production or development/ },
  ),
  setting(
    "DJANGO_SECRET_KEY the seed's public your_secret_key in prod",
    { DJANGO_SECRET_KEY__PROD: "your_secret_key" },
    {
      field: "DJANGO_SECRET_KEY",
      value: "(value hidden)",
      fix: /publicly known.*remove it to have one generated/,
      absent: "your_secret_key",
    },
  ),
  setting(
    "DJANGO_SECRET_KEY too short (an error unless DEBUG is on in development)",
    { DJANGO_SECRET_KEY: "Sh0rt-but-random-9x" },
    {
      field: "DJANGO_SECRET_KEY",
      value: "(value hidden)",
      fix: /at least 50 characters/,
      absent: "Sh0rt-but-random-9x",
    },
  ),
  setting(
    "DJANGO_SECRET_KEY a django-insecure- development key",
    { DJANGO_SECRET_KEY: `django-insecure-${GOOD_KEY}` },
    {
      field: "DJANGO_SECRET_KEY",
      value: "(value hidden)",
      fix: /django-insecure-.*set a random value of 50\+ characters/,
      absent: GOOD_KEY,
    },
  ),
  setting(
    "DJANGO_SECRET_KEY long but of two characters",
    { DJANGO_SECRET_KEY: "ab".repeat(30) },
    {
      field: "DJANGO_SECRET_KEY",
      value: "(value hidden)",
      fix: /at least 5 different characters/,
      absent: "abababab",
    },
  ),
  setting(
    "DJANGO_SECRET_KEY spanning two lines",
    { DJANGO_SECRET_KEY: `${GOOD_KEY}\nsecond-line-of-it` },
    {
      field: "DJANGO_SECRET_KEY",
      value: "(value hidden)",
      fix: /must be a single line/,
      absent: "second-line-of-it",
    },
  ),
  setting(
    "DJANGO_SECRET_KEY and DJANGO_SECRET_KEY_FILE both set",
    { DJANGO_SECRET_KEY: GOOD_KEY, DJANGO_SECRET_KEY_FILE: "key.txt" },
    {
      field: "DJANGO_SECRET_KEY_FILE",
      value: '(value hidden) and DJANGO_SECRET_KEY_FILE="key.txt"',
      fix: /keep one of them/,
      absent: GOOD_KEY,
    },
  ),
  setting(
    "DATABASE_PASSWORD with a carriage return",
    { DATABASE_PASSWORD: "pass\rword-1234567" },
    {
      field: "DATABASE_PASSWORD",
      value: "(value hidden)",
      fix: /must be a single line/,
      absent: "word-1234567",
    },
  ),
  setting(
    "DJANGO_ALLOWED_HOSTS of commas only in prod",
    { DJANGO_ALLOWED_HOSTS__PROD: "," },
    { field: "DJANGO_ALLOWED_HOSTS", value: '","', fix: /set the host names users reach/ },
  ),
  setting(
    "DJANGO_ALLOWED_HOSTS with a URL",
    { DJANGO_ALLOWED_HOSTS: "http://example.com" },
    { field: "DJANGO_ALLOWED_HOSTS", value: '"http://example.com"', fix: /comma list of host names/ },
  ),
  setting(
    "DJANGO_ALLOWED_HOSTS with a port",
    { DJANGO_ALLOWED_HOSTS: "example.com:8000" },
    { field: "DJANGO_ALLOWED_HOSTS", value: '"example.com:8000"', fix: /comma list of host names/ },
  ),
  setting(
    "DJANGO_CSRF_TRUSTED_ORIGINS without a scheme",
    { DJANGO_CSRF_TRUSTED_ORIGINS: "example.com" },
    { field: "DJANGO_CSRF_TRUSTED_ORIGINS", value: '"example.com"', fix: /origins like https:\/\// },
  ),
  setting(
    "DJANGO_CSRF_TRUSTED_ORIGINS with a path",
    { DJANGO_CSRF_TRUSTED_ORIGINS: "https://example.com/app" },
    { field: "DJANGO_CSRF_TRUSTED_ORIGINS", value: '"https://example.com/app"', fix: /no path/ },
  ),
  setting(
    "DJANGO_LOGLEVEL unknown",
    { DJANGO_LOGLEVEL: "verbose" },
    { field: "DJANGO_LOGLEVEL", value: '"verbose"', fix: /must be one of DEBUG, INFO, WARNING/ },
  ),
  setting(
    "APP_MEMORY_MB with a unit",
    { APP_MEMORY_MB: "512M" },
    { field: "APP_MEMORY_MB", value: '"512M"', fix: MUST_BE_NUMBER(64, 65536) },
  ),
  setting(
    "POSTGRES_MEMORY_MB below the minimum",
    { POSTGRES_MEMORY_MB: "32" },
    { field: "POSTGRES_MEMORY_MB", value: '"32"', fix: MUST_BE_NUMBER(64, 65536) },
  ),
  setting(
    "APP_CPUS 0",
    { APP_CPUS: "0" },
    { field: "APP_CPUS", value: '"0"', fix: /number of CPUs from 0.01 to 256/ },
  ),
  setting(
    "APP_CPUS with three decimals",
    { APP_CPUS: "1.234" },
    { field: "APP_CPUS", value: '"1.234"', fix: /at most two decimals/ },
  ),
  setting(
    "POSTGRES_CPUS as a word",
    { POSTGRES_CPUS: "two" },
    { field: "POSTGRES_CPUS", value: '"two"', fix: /number of CPUs from 0.01 to 256/ },
  ),
  setting(
    "APP_CPUS above 256",
    { APP_CPUS: "257" },
    { field: "APP_CPUS", value: '"257"', fix: /number of CPUs from 0.01 to 256/ },
  ),
  setting(
    "PYTHON_IMAGE without a tag",
    { PYTHON_IMAGE: "python" },
    { field: "PYTHON_IMAGE", value: '"python"', fix: /must carry a tag other than latest, or a digest/ },
  ),
  setting(
    "POSTGRES_IMAGE :latest",
    { POSTGRES_IMAGE: "postgres:latest" },
    { field: "POSTGRES_IMAGE", value: '"postgres:latest"', fix: /tag other than latest/ },
  ),
  setting(
    "PROXY_IMAGE with capitals",
    { PROXY_IMAGE: "Caddy:2" },
    { field: "PROXY_IMAGE", value: '"Caddy:2"', fix: /must be an image reference like postgres:17/ },
  ),
  setting(
    "APP_IMAGE with a truncated digest",
    { APP_IMAGE: "app@sha256:abc" },
    { field: "APP_IMAGE", value: '"app@sha256:abc"', fix: /must be an image reference/ },
  ),
  setting(
    "DOMAIN as a URL",
    { DOMAIN: "https://example.com" },
    { field: "DOMAIN", value: '"https://example.com"', fix: /host name like app.example.com/ },
  ),
  setting(
    "DOMAIN with PROXY=false",
    { DOMAIN: "app.example.com", PROXY: "false" },
    { field: "DOMAIN=app.example.com", value: "PROXY=false", fix: /set PROXY=true or unset DOMAIN/ },
  ),
  setting(
    "TLS_MODE unknown",
    { DOMAIN: "app.example.com", TLS_MODE: "letsencrypt" },
    { field: "TLS_MODE", value: '"letsencrypt"', fix: /must be one of acme, internal, files/ },
  ),
  setting(
    "TLS_MODE=files without TLS_CERT_FILE",
    { DOMAIN: "app.example.com", TLS_MODE: "files", TLS_KEY_FILE: "key.pem" },
    { field: "TLS_CERT_FILE", value: "TLS_MODE=files", fix: /give the path of the PEM file/ },
  ),
  setting(
    "ACME_EMAIL not an address",
    { DOMAIN: "app.example.com", ACME_EMAIL: "admin" },
    { field: "ACME_EMAIL", value: '"admin"', fix: /must be an email address/ },
  ),
  setting(
    "APP_HEALTH_TIMEOUT as a duration with a unit",
    { APP_HEALTH_TIMEOUT: "90s" },
    { field: "APP_HEALTH_TIMEOUT", value: '"90s"', fix: MUST_BE_NUMBER(10, 1800) },
  ),
  setting(
    "APP_HEALTH_TIMEOUT too short",
    { APP_HEALTH_TIMEOUT: "5" },
    { field: "APP_HEALTH_TIMEOUT", value: '"5"', fix: MUST_BE_NUMBER(10, 1800) },
  ),
  setting(
    "RELEASES_KEPT 0",
    { RELEASES_KEPT: "0" },
    { field: "RELEASES_KEPT", value: '"0"', fix: MUST_BE_NUMBER(1, 50) },
  ),
  setting(
    "BACKUPS_KEPT negative",
    { BACKUPS_KEPT: "-1" },
    { field: "BACKUPS_KEPT", value: '"-1"', fix: MUST_BE_NUMBER(1, 1000) },
  ),
  setting(
    "BACKUP_DIR inside cdktf.out",
    { BACKUP_DIR: "cdktf.out/backups" },
    { field: "BACKUP_DIR", value: '"cdktf.out/backups"', fix: /must not be inside cdktf.out/ },
  ),
  setting(
    "SECRETS_DIR inside cdktf.out",
    { SECRETS_DIR: "cdktf.out/secrets" },
    { field: "SECRETS_DIR", value: '"cdktf.out/secrets"', fix: /must not be inside cdktf.out/ },
  ),
  setting(
    "TF_BACKEND in capitals",
    { TF_BACKEND: "S3" },
    { field: "TF_BACKEND", value: '"S3"', fix: /must be one of local, s3, pg, http/ },
  ),
  setting(
    "TF_BACKEND=s3 without TF_S3_BUCKET",
    { TF_BACKEND: "s3" },
    { field: "TF_S3_BUCKET", value: "TF_BACKEND=s3", fix: /must be set/ },
  ),
  setting(
    "TF_S3_BUCKET with capitals and _",
    { TF_BACKEND: "s3", TF_S3_BUCKET: "My_Bucket" },
    { field: "TF_S3_BUCKET", value: '"My_Bucket"', fix: /must be a bucket name/ },
  ),
  setting(
    "TF_HTTP_BASE_URL carrying a password (never shown)",
    { TF_BACKEND: "http", TF_HTTP_BASE_URL: "https://ci:hunter2-pw@state.example/tf" },
    {
      field: "TF_HTTP_BASE_URL",
      value: '"https://(credentials hidden)@state.example/tf"',
      fix: /give them through the backend's own variables/,
      absent: "hunter2-pw",
    },
  ),
  setting(
    "TF_HTTP_BASE_URL with a raw / in its password (not a URL; still never shown)",
    { TF_BACKEND: "http", TF_HTTP_BASE_URL: "https://ci:pa/ss-w0rd@state.example/tf" },
    {
      field: "TF_HTTP_BASE_URL",
      value: '"https://(credentials hidden)@state.example/tf"',
      fix: /must be an http:\/\/ or https:\/\/ URL/,
      absent: "ss-w0rd",
    },
  ),
  setting(
    "TF_S3_ENDPOINT carrying an access key (never shown)",
    { TF_BACKEND: "s3", TF_S3_BUCKET: "state", TF_S3_ENDPOINT: "https://AKIAX:s3cr3t-k3y@minio.example" },
    {
      field: "TF_S3_ENDPOINT",
      value: "(credentials hidden)",
      fix: /give them through the backend's own variables/,
      absent: "s3cr3t-k3y",
    },
  ),
  setting(
    "TF_STATE_PREFIX with a space",
    { TF_BACKEND: "s3", TF_S3_BUCKET: "state", TF_STATE_PREFIX: "my app" },
    { field: "TF_STATE_PREFIX", value: '"my app"', fix: /lower case letters, digits, '-' and '_'/ },
  ),
  setting(
    "DATABASE_NAME with a dash",
    { DATABASE_NAME: "my-db" },
    { field: "DATABASE_NAME", value: '"my-db"', fix: /letters, digits and '_'/ },
  ),
  setting(
    "DATABASE_USERNAME in PostgreSQL's reserved pg_ names",
    { DATABASE_USERNAME: "pg_app" },
    { field: "DATABASE_USERNAME", value: '"pg_app"', fix: /must not start with pg_/ },
  ),
  setting(
    "DATABASE_USERNAME the stack's administration role",
    { DATABASE_USERNAME: "django_cdktf_admin" },
    { field: "DATABASE_USERNAME", value: '"django_cdktf_admin"', fix: /administration role/ },
  ),
  setting(
    "DATABASE_USERNAME with no room for the app role's _app",
    { DATABASE_USERNAME: "u".repeat(62) },
    { field: "DATABASE_USERNAME", value: `"${"u".repeat(62)}"`, fix: /at most 59 characters/ },
  ),
  setting(
    "DATABASE_HOST the app's own loopback",
    { DATABASE_HOST: "localhost" },
    { field: "DATABASE_HOST", value: '"localhost"', fix: /name the database container/ },
  ),
  setting(
    "DATABASE_PORT with a letter",
    { DATABASE_PORT: "54x2" },
    { field: "DATABASE_PORT", value: '"54x2"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "DATABASE_ENGINE mysql",
    { DATABASE_ENGINE: "mysql" },
    { field: "DATABASE_ENGINE", value: '"mysql"', fix: /must be postgresql/ },
  ),
  setting(
    "GUNICORN_WORKERS 0",
    { GUNICORN_WORKERS: "0" },
    { field: "GUNICORN_WORKERS", value: '"0"', fix: MUST_BE_NUMBER(1, 64) },
  ),
  setting(
    "GUNICORN_THREADS 100",
    { GUNICORN_THREADS: "100" },
    { field: "GUNICORN_THREADS", value: '"100"', fix: MUST_BE_NUMBER(1, 64) },
  ),
  setting(
    "DJANGO_SECURE_HSTS_SECONDS as a duration",
    { DJANGO_SECURE_HSTS_SECONDS: "1y" },
    { field: "DJANGO_SECURE_HSTS_SECONDS", value: '"1y"', fix: MUST_BE_NUMBER(0, 315360000) },
  ),
  setting(
    "DELETE_DATA_ON_DESTROY as a sentence",
    { DELETE_DATA_ON_DESTROY: "yes please" },
    { field: "DELETE_DATA_ON_DESTROY", value: '"yes please"', fix: /must be one of true\/false/ },
  ),
  setting(
    "PROXY disabled",
    { PROXY: "disabled" },
    { field: "PROXY", value: '"disabled"', fix: /must be one of true\/false/ },
  ),

  settingOk("DEBUG=TRUE in a development environment", { ENVIRONMENTS: "dev", DEBUG: "TRUE" }, (o) => {
    assert.strictEqual(stack(o, "dev").app.debug, true);
    assert.strictEqual(stack(o, "dev").kind, "development");
    warned(o, /DEBUG is on for environment "dev" \(a development environment\)/);
  }),
  settingOk("APP_PORT with spaces around it", { ENVIRONMENTS: "dev", APP_PORT: " 8080 " }, (o) =>
    assert.strictEqual(stack(o, "dev").app.port, 8080),
  ),
  settingOk("DOMAIN in mixed case", { ENVIRONMENTS: "dev", DOMAIN: "App.Example.COM" }, (o) => {
    const s = stack(o, "dev");
    assert.strictEqual(s.proxy.domain, "app.example.com");
    assert.ok(s.app.allowedHosts.includes("app.example.com"));
    assert.deepStrictEqual(s.app.csrfTrustedOrigins, ["https://app.example.com:8443"]);
    assert.strictEqual(s.app.hstsSeconds, 3600);
  }),
  settingOk("DJANGO_LOGLEVEL in lower case", { DJANGO_LOGLEVEL: "warning" }, (o) =>
    assert.strictEqual(stack(o, "prod").app.logLevel, "WARNING"),
  ),
  settingOk("APP_CPUS 0.5", { APP_CPUS: "0.5" }, (o) => assert.strictEqual(stack(o, "dev").app.cpus, 0.5)),
  settingOk(
    "DATABASE_ENGINE the seed's postgresql_psycopg2",
    { DATABASE_ENGINE: "postgresql_psycopg2" },
    (o) => assert.strictEqual(stack(o, "prod").database.image, "postgres:17"),
  ),
  settingOk(
    "DJANGO_CSRF_TRUSTED_ORIGINS with a wildcard subdomain (Django accepts it)",
    { DJANGO_CSRF_TRUSTED_ORIGINS: "https://*.example.com" },
    (o) => assert.deepStrictEqual(stack(o, "dev").app.csrfTrustedOrigins, ["https://*.example.com"]),
  ),
  settingOk("APP_IMAGE pinned by digest", { APP_IMAGE: `registry.example:5000/team/app@${DIGEST}` }, (o) =>
    assert.strictEqual(stack(o, "prod").app.image, `registry.example:5000/team/app@${DIGEST}`),
  ),
  settingOk("DJANGO_ALLOWED_HOSTS empty (unset, as compose reads it)", { DJANGO_ALLOWED_HOSTS: "" }, (o) =>
    assert.deepStrictEqual(stack(o, "prod").app.allowedHosts, ["localhost", "127.0.0.1"]),
  ),
  settingOk(
    "DEBUG__PROD on where ENVIRONMENT_KIND__PROD=development",
    { ENVIRONMENT_KIND__PROD: "development", DEBUG__PROD: "true" },
    (o) => {
      assert.strictEqual(stack(o, "prod").kind, "development");
      assert.strictEqual(stack(o, "prod").app.debug, true);
      warned(o, /by ENVIRONMENT_KIND=development/);
    },
  ),
  settingOk(
    "a typo of a setting's name (warned, with the name meant)",
    { DJANGO_ALOWED_HOSTS: "x.example" },
    (o) => {
      warned(
        o,
        /DJANGO_ALOWED_HOSTS \(in environment\) is not a known setting; did you mean DJANGO_ALLOWED_HOSTS\?/,
      );
      assert.deepStrictEqual(stack(o, "prod").app.allowedHosts, ["localhost", "127.0.0.1"]);
    },
  ),
  settingOk(
    "NAME__<ENV> for an environment not in ENVIRONMENTS (warned)",
    { APP_PORT__STAGING: "9000" },
    (o) => {
      warned(o, /APP_PORT__STAGING \(in environment\) names no environment in ENVIRONMENTS/);
      assert.deepStrictEqual(
        config(o).stacks.map((s) => s.app.port),
        [8000, 8001],
      );
    },
  ),
  settingOk("NAME__<env> with a lower-case suffix (warned, not read)", { DEBUG__prod: "true" }, (o) => {
    warned(o, /DEBUG__prod \(in environment\) is ignored: .* e\.g\. DEBUG__PROD/);
    assert.strictEqual(stack(o, "prod").app.debug, false);
  }),
  settingOk("a global setting per environment (warned, not read)", { PROJECT_NAME__DEV: "other" }, (o) => {
    warned(o, /PROJECT_NAME__DEV is ignored: PROJECT_NAME applies to every environment/);
    assert.strictEqual(config(o).projectName, "django");
  }),
  settingOk(
    "DJANGO_BUILD_TARGET naming a stage in another case (Docker's stage names are case-insensitive)",
    { DJANGO_BUILD_TARGET: "Builder" },
    (o) =>
      assert.deepStrictEqual(stack(o, "dev").app.build, {
        kind: "project",
        dockerfile: "Dockerfile",
        contract: true,
        target: "Builder",
      }),
  ),
  settingOk(
    "TF_S3_BUCKET with the local backend (warned, no effect)",
    { TF_S3_BUCKET: "tfstate", TF_HTTP_BASE_URL: "https://state.example/tf" },
    (o) => {
      warned(
        o,
        /TF_S3_BUCKET has no effect with TF_BACKEND=local \(the default\); set TF_BACKEND=s3 .*or remove it/,
      );
      warned(o, /TF_HTTP_BASE_URL has no effect with TF_BACKEND=local .*set TF_BACKEND=http/);
      assert.deepStrictEqual(config(o).backend, { type: "local" });
    },
  ),
  settingOk(
    "a setting's name in lower case (warned, with the name meant)",
    { debug: "true", Database_Name: "shop" },
    (o) => {
      warned(
        o,
        /debug \(in environment\) is not a known setting \(names are case-sensitive\); did you mean DEBUG\?/,
      );
      warned(o, /Database_Name \(in environment\) is not a known setting .*did you mean DATABASE_NAME\?/);
      assert.strictEqual(stack(o, "dev").app.debug, false);
    },
  ),
  settingOk(
    "DATABASE_PASSWORD with spaces around it (kept as given)",
    { DATABASE_PASSWORD: "  correct horse battery staple  " },
    (o) =>
      assert.deepStrictEqual(stack(o, "dev").secrets.databasePassword, {
        kind: "value",
        value: "  correct horse battery staple  ",
        source: "environment",
      }),
  ),
  settingOk("DATABASE_PASSWORD short (warned, kept)", { DATABASE_PASSWORD: "short-pw" }, (o) => {
    warned(o, /DATABASE_PASSWORD is shorter than 12 characters/);
    assert.deepStrictEqual(stack(o, "dev").secrets.databasePassword, {
      kind: "value",
      value: "short-pw",
      source: "environment",
    });
  }),
  // the target, the entry point and your own project
  setting(
    "DEPLOY_TARGET kubernetes",
    { DEPLOY_TARGET: "kubernetes" },
    { field: "DEPLOY_TARGET", value: '"kubernetes"', fix: /must be engine or swarm/ },
  ),
  setting(
    "APP_REPLICAS 0 on a swarm",
    { DEPLOY_TARGET: "swarm", APP_REPLICAS: "0" },
    { field: "APP_REPLICAS", value: '"0"', fix: MUST_BE_NUMBER(1, 100) },
  ),
  setting(
    "APP_REPLICAS in words",
    { DEPLOY_TARGET: "swarm", APP_REPLICAS: "two" },
    { field: "APP_REPLICAS", value: '"two"', fix: MUST_BE_NUMBER(1, 100) },
  ),
  setting(
    "SWARM_PUBLISH_MODE mesh",
    { DEPLOY_TARGET: "swarm", SWARM_PUBLISH_MODE: "mesh" },
    { field: "SWARM_PUBLISH_MODE", value: '"mesh"', fix: /must be host or ingress/ },
  ),
  setting(
    "SWARM_DATABASE_LABEL with a space",
    { DEPLOY_TARGET: "swarm", SWARM_DATABASE_LABEL: "bad label!" },
    { field: "SWARM_DATABASE_LABEL", value: '"bad label!"', fix: /must be a node label key/ },
  ),
  setting(
    "DJANGO_MEDIA_URL on a swarm",
    { DEPLOY_TARGET: "swarm", DJANGO_MEDIA_URL: "/media/" },
    {
      field: "DJANGO_MEDIA_URL",
      value: '"/media/"',
      fix: /set DJANGO_MEDIA_URL=off and keep uploads in object storage/,
    },
  ),
  setting(
    "ENTRY_POINT both",
    { ENTRY_POINT: "both" },
    { field: "ENTRY_POINT", value: '"both"', fix: /must be own or shared/ },
  ),
  setting(
    "SHARED_HTTP_PORT out of range",
    { ENTRY_POINT: "shared", DOMAIN: "dev.example.com", SHARED_HTTP_PORT: "70000" },
    { field: "SHARED_HTTP_PORT", value: '"70000"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  setting(
    "SHARED_BIND_ADDRESS as a host name",
    { ENTRY_POINT: "shared", DOMAIN: "dev.example.com", SHARED_BIND_ADDRESS: "my-host" },
    { field: "SHARED_BIND_ADDRESS", value: '"my-host"', fix: /must be an IP address of the Docker host/ },
  ),
  setting(
    "DJANGO_PROJECT_DIR that does not exist",
    { DJANGO_PROJECT_DIR: "/nonexistent/project" },
    {
      field: "DJANGO_PROJECT_DIR",
      value: '"/nonexistent/project"',
      fix: /point it at the directory that holds the project's manage.py/,
    },
  ),
  setting(
    "DJANGO_DOCKERFILE naming nothing",
    { DJANGO_DOCKERFILE: "maybe" },
    {
      field: "DJANGO_DOCKERFILE",
      value: '"maybe"',
      fix: /must be auto, stack, project, or the path of a Dockerfile/,
    },
  ),
  setting(
    "DJANGO_BUILD_TARGET naming no stage of the project's Dockerfile",
    { DJANGO_BUILD_TARGET: "nosuchstage" },
    {
      field: "DJANGO_BUILD_TARGET",
      value: '"nosuchstage"',
      fix: /whose stages are builder; set it to one of them, or unset it to build the last stage/,
    },
  ),
  setting(
    "DJANGO_SERVE_COMMAND not an array of strings (a serve command as the example)",
    { DJANGO_SERVE_COMMAND: '["gunicorn", 8000]' },
    {
      field: "DJANGO_SERVE_COMMAND",
      value: '"[\\"gunicorn\\", 8000]"',
      fix: /e\.g\. \["gunicorn", "--bind", "0\.0\.0\.0:8000", "mysite\.wsgi"\]/,
      absent: '"manage.py", "migrate"]',
    },
  ),
  setting(
    "APP_MIGRATE_TIMEOUT 0",
    { APP_MIGRATE_TIMEOUT: "0" },
    { field: "APP_MIGRATE_TIMEOUT", value: '"0"', fix: MUST_BE_NUMBER(10, 86400) },
  ),
  setting(
    "APP_HEALTH_PATH without its slash",
    { APP_HEALTH_PATH: "healthz" },
    { field: "APP_HEALTH_PATH", value: '"healthz"', fix: /must be a URL path starting with \// },
  ),
  setting(
    "APP_CONTAINER_PORT out of range",
    { APP_CONTAINER_PORT: "99999" },
    { field: "APP_CONTAINER_PORT", value: '"99999"', fix: MUST_BE_NUMBER(1, 65535) },
  ),
  settingOk("APP_REPLICAS on the engine target (warned, no effect)", { APP_REPLICAS: "3" }, (o) => {
    warned(o, /APP_REPLICAS has no effect for environment "dev": it applies to DEPLOY_TARGET=swarm only/);
    assert.strictEqual(stack(o, "dev").swarm, undefined);
  }),
  settingOk("TLS_MODE without DOMAIN (warned, no effect)", { TLS_MODE: "internal" }, (o) => {
    warned(o, /TLS_MODE has no effect without DOMAIN/);
    assert.strictEqual(stack(o, "dev").proxy.domain, undefined);
  }),
];

// --- .env and .env.<environment> files, through loadConfig ---------------------------------------

const envFile = (
  name: string,
  files: Parameters<Tools["load"]>[0],
  refused: Refusal,
  env: Record<string, string> = {},
): InProcessCase => ({ path: ".env file", name, run: (t) => t.load(files, env), refused, withinMs: 1000 });

const envFileOk = (
  name: string,
  files: Parameters<Tools["load"]>[0],
  accepted: (o: Outcome) => void,
  env: Record<string, string> = {},
): InProcessCase => ({ path: ".env file", name, run: (t) => t.load(files, env), accepted, withinMs: 1000 });

const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));

const ENV_FILES: Case[] = [
  envFile(
    "a line with a space in the name",
    { ".env": "DEBUG=false\nDATABASE NAME=x\n" },
    {
      field: ".env line 2",
      value: '"DATABASE" is followed by a space',
      fix: /fix it or comment it out with #/,
    },
  ),
  envFile(
    "a secret's line with a space for = (only the key shown)",
    { ".env": "DJANGO_SECRET_KEY LEAKME2\n" },
    {
      field: ".env line 1",
      value: 'DJANGO_SECRET_KEY is not followed by "=" (value hidden)',
      fix: /write DJANGO_SECRET_KEY=value, or comment it out with #/,
      absent: "LEAKME2",
    },
  ),
  envFile(
    "a line with no name and a secret after = (only the key part shown)",
    { ".env": "-DATABASE_PASSWORD=Hunter2-Horse\n" },
    {
      field: ".env line 1",
      value: '"-DATABASE_PASSWORD" is not a name',
      fix: /comment it out with #/,
      absent: "Hunter2",
    },
  ),
  envFile(
    "a double quote never closed",
    { ".env": 'DJANGO_ALLOWED_HOSTS="a.example.com\nDEBUG=false\n' },
    { field: "DJANGO_ALLOWED_HOSTS", value: "the double quote", fix: /never closed; close it/ },
  ),
  envFile(
    "a single quote never closed",
    { ".env": "DATABASE_NAME='shop\n" },
    { field: "DATABASE_NAME", value: "the single quote", fix: /never closed; close it/ },
  ),
  envFile(
    "a YAML-style KEY: value line",
    { ".env": "DEBUG: true\n" },
    { field: "DEBUG", value: '"DEBUG:"', fix: /write DEBUG=value/ },
  ),
  envFile(
    "a line with no name",
    { ".env": "=value\n" },
    { field: ".env line 1", value: 'no name before "="', fix: /comment it out with #/ },
  ),
  envFile(
    "${ never closed (compose refuses it too)",
    { ".env": "DATABASE_NAME=${NAME\n" },
    { field: "(DATABASE_NAME)", value: '"${NAME"', fix: /close it, or write \$\$ for a literal \$/ },
  ),
  envFile(
    "${ never closed in a secret (value hidden)",
    { ".env": "DATABASE_PASSWORD=S3cr3t${Hunter2-Horse\n" },
    {
      field: "(DATABASE_PASSWORD)",
      value: "(value hidden)",
      fix: /close it, or write \$\$ for a literal \$, or single-quote the value/,
      absent: "Hunter2",
    },
  ),
  envFile(
    "${...} that is not a variable reference in a secret (value hidden)",
    { ".env": "DATABASE_PASSWORD=S3cr3t${9Hunter2Horse}x\n" },
    {
      field: "(DATABASE_PASSWORD)",
      value: "not a variable reference (value hidden)",
      fix: /write \$\$ for a literal \$, or single-quote the value/,
      absent: "Hunter2",
    },
  ),
  envFile(
    "${VAR:?message} in a secret (the message is part of the value: hidden)",
    { ".env": "APP_SECRET_STRIPE_KEY=${STRIPE:?sk_live_Hunter2}\n" },
    { field: "(APP_SECRET_STRIPE_KEY)", value: "STRIPE is required", fix: /set STRIPE/, absent: "Hunter2" },
  ),
  envFile(
    "$VAR unset in a secret (compose would silently shorten the password)",
    { ".env": "DATABASE_PASSWORD=Tr0ub4dor$horse-battery\n" },
    {
      field: "(DATABASE_PASSWORD)",
      value: "horse is not set",
      fix: /\(value hidden\); set horse, or write \$\$ for a literal \$, or single-quote the value/,
      absent: "Tr0ub4dor",
    },
  ),
  envFile(
    "${VAR} unset in a secret of .env.prod",
    { ".env.prod": 'DJANGO_SECRET_KEY="k3y-${PEPPER}-Hunter2-Horse-Battery-Staple-Correct-0123456789"\n' },
    {
      field: ".env.prod line 1 (DJANGO_SECRET_KEY)",
      value: "PEPPER is not set",
      fix: /write \$\$/,
      absent: "Hunter2",
    },
  ),
  envFile(
    "${...} that is not a variable reference",
    { ".env": "DATABASE_NAME=${1BAD}\n" },
    { field: "(DATABASE_NAME)", value: "${1BAD}", fix: /use \$\{NAME\}, \$\{NAME:-default\}/ },
  ),
  envFile(
    "${VAR:?message} with VAR unset",
    { ".env": "DATABASE_NAME=${SHOP_DB:?set SHOP_DB first}\n" },
    { field: "(DATABASE_NAME)", value: "SHOP_DB is required", fix: /set SHOP_DB first/ },
  ),
  envFile(
    "${A:-${A:-...}} nested 5,000 deep (was a stack overflow)",
    { ".env": `DATABASE_NAME=${"${A:-".repeat(5000)}x${"}".repeat(5000)}\n` },
    { field: "(DATABASE_NAME)", value: "${...}", fix: /nested more than 20 levels deep; simplify/ },
  ),
  envFile(
    "text after a quoted value",
    { ".env": 'DEBUG="false" yes\n' },
    { field: "DEBUG", value: '"yes"', fix: /put comments after a space and #/ },
  ),
  envFile(
    "text after a secret's quoted value (value hidden)",
    { ".env": 'DJANGO_SECRET_KEY="k3y-part-one" k3y-part-two\n' },
    {
      field: "DJANGO_SECRET_KEY",
      value: "unexpected text after the quoted value of DJANGO_SECRET_KEY (value hidden)",
      fix: /quote the whole value/,
      absent: "k3y-part",
    },
  ),
  envFile(
    "text after an app secret's quoted value (value hidden)",
    { ".env": 'APP_SECRET_STRIPE_KEY="k3y-part-one" k3y-part-two\n' },
    {
      field: "APP_SECRET_STRIPE_KEY",
      value: "(value hidden)",
      fix: /quote the whole value/,
      absent: "k3y-part",
    },
  ),
  envFile(
    "# straight after a value (part of it, as in compose)",
    { ".env": "DEBUG=false#off\n" },
    { field: "DEBUG", value: '"false#off"', fix: /must be one of true\/false/ },
  ),
  envFile(
    "a quoted value spanning lines where a list is expected",
    { ".env": 'DJANGO_ALLOWED_HOSTS="a.example.com\nb.example.com"\n' },
    { field: "DJANGO_ALLOWED_HOSTS", value: '"a.example.com\\nb.example.com"', fix: /comma list/ },
  ),
  envFile(
    "a bad value in .env.prod (named with its file)",
    { ".env.prod": "APP_PORT=http\n" },
    {
      field: "APP_PORT",
      value: '"http" (set in .env.prod for environment "prod")',
      fix: MUST_BE_NUMBER(1, 65535),
    },
  ),
  envFile(
    "binary garbage with NUL bytes (one message, not one per line)",
    { ".env": Buffer.concat([Buffer.from("DEBUG=false\n"), garbage]) },
    { field: ".env", value: "holds binary data", fix: /not KEY=value lines; make it a UTF-8 text file/ },
  ),
  envFile(
    "bytes that are not UTF-8",
    { ".env": Buffer.from([0x44, 0x45, 0x42, 0x55, 0x47, 0x3d, 0xff, 0xfe, 0x0a]) },
    { field: ".env", value: "bytes that are not UTF-8 on line 1", fix: /make it a UTF-8 text file/ },
  ),
  {
    path: ".env file",
    name: "500 lines of prose (ten listed, the rest summed up)",
    run: (t) => {
      const o = t.load({ ".env": "This is not a settings file at all.\n".repeat(500) });
      assert.ok(o.errors.length <= 11, `${o.errors.length} errors`);
      return o;
    },
    refused: { field: ".env", value: "490 more lines like these", fix: /is it the right file\?/ },
    withinMs: 1000,
  },
  envFile(
    "a 2 MiB .env",
    { ".env": `A=${"x".repeat(2 * 1024 * 1024)}\n` },
    { field: ".env", value: "more than the 1048576 allowed", fix: /at most 1 MiB/ },
  ),
  envFile(
    ".env is a directory",
    { ".env": { dir: true } },
    { field: ".env", value: "it is a directory", fix: /make it a text file of KEY=value lines/ },
  ),
  envFile(
    ".env is a named pipe (no hang)",
    { ".env": { fifo: true } },
    { field: ".env", value: "it is a named pipe", fix: /make it a text file/ },
  ),
  envFile(
    ".env links to /dev/zero (endless)",
    { ".env": { link: "/dev/zero" } },
    { field: ".env", value: "it is a device", fix: /make it a text file/ },
  ),
  envFile(
    ".env links to /proc/self/environ",
    { ".env": { link: "/proc/self/environ" } },
    { field: ".env", value: "kernel file", fix: /make it a text file/ },
  ),
  envFile(
    ".env.prod is a link to nothing",
    { ".env.prod": { link: "/nonexistent/settings" } },
    { field: ".env.prod", value: '"/nonexistent/settings"', fix: /fix or remove the link/ },
  ),

  envFileOk(
    "a key set twice (warned; the last wins, as in compose)",
    { ".env": "APP_MEMORY_MB=256\nAPP_MEMORY_MB=384\n" },
    (o) => {
      warned(o, /\.env sets APP_MEMORY_MB twice \(lines 1 and 2\); the last one wins/);
      assert.strictEqual(stack(o, "dev").app.memoryMb, 384);
    },
  ),
  envFileOk(
    "a setting in lower case in .env (warned, with the name meant)",
    { ".env": "debug=true\n" },
    (o) => {
      warned(
        o,
        /debug \(in \.env\) is not a known setting \(names are case-sensitive\); did you mean DEBUG\?/,
      );
      assert.strictEqual(stack(o, "dev").app.debug, false);
    },
  ),
  envFileOk(".env.Prod for prod (warned, not read)", { ".env.Prod": "APP_MEMORY_MB=1024\n" }, (o) => {
    warned(o, /\.env\.Prod is not read: the file for environment "prod" is named \.env\.prod/);
    assert.strictEqual(stack(o, "prod").app.memoryMb, 512);
  }),
  envFileOk("prod.env (warned, not read)", { "prod.env": "APP_MEMORY_MB=1024\n" }, (o) => {
    warned(o, /prod\.env is not read: the file for environment "prod" is named \.env\.prod/);
    assert.strictEqual(stack(o, "prod").app.memoryMb, 512);
  }),
  envFileOk("a byte order mark (Windows editors)", { ".env": "\uFEFFAPP_MEMORY_MB=256\r\n" }, (o) =>
    assert.strictEqual(stack(o, "dev").app.memoryMb, 256),
  ),
  envFileOk("CRLF line ends", { ".env": "APP_MEMORY_MB=256\r\nDATABASE_NAME=shop\r\n" }, (o) => {
    assert.strictEqual(stack(o, "dev").app.memoryMb, 256);
    assert.strictEqual(stack(o, "dev").database.name, "shop");
  }),
  envFileOk("a comment after a value", { ".env": "APP_MEMORY_MB=256 # for the small host\n" }, (o) =>
    assert.strictEqual(stack(o, "dev").app.memoryMb, 256),
  ),
  envFileOk("export KEY=value", { ".env": "export DATABASE_NAME=shop\n" }, (o) =>
    assert.strictEqual(stack(o, "prod").database.name, "shop"),
  ),
  envFileOk(
    ".env.staging when staging is not in ENVIRONMENTS (warned)",
    { ".env.staging": "APP_PORT=9000\n" },
    (o) => {
      warned(o, /\.env\.staging exists but "staging" is not in ENVIRONMENTS \(dev,prod\); it is ignored/);
      assert.deepStrictEqual(
        config(o).stacks.map((s) => s.environment),
        ["dev", "prod"],
      );
    },
  ),
  envFileOk(
    "a global setting in .env.dev (warned, not read)",
    { ".env.dev": "PROJECT_NAME=other\n" },
    (o) => {
      warned(o, /PROJECT_NAME in \.env\.dev is ignored: it applies to every environment/);
      assert.strictEqual(config(o).projectName, "django");
    },
  ),
  envFileOk(
    "NAME__<ENV> in .env (warned: read from the process environment only)",
    { ".env": "DEBUG__PROD=true\n" },
    (o) => {
      warned(o, /DEBUG__PROD \(in \.env\) is ignored: .*set DEBUG in \.env\.prod instead/);
      assert.strictEqual(stack(o, "prod").app.debug, false);
    },
  ),
  envFileOk("${VAR:-default} with VAR unset", { ".env": "DATABASE_NAME=${SHOP_DB:-shop}\n" }, (o) =>
    assert.strictEqual(stack(o, "dev").database.name, "shop"),
  ),
  envFileOk(
    "$VAR unset in a setting that is not secret (warned; empty, as in compose)",
    { ".env": "DATABASE_NAME=shop$suffix\n" },
    (o) => {
      warned(o, /\.env line 1 \(DATABASE_NAME\): suffix is not set, so "\$suffix" becomes an empty string/);
      assert.strictEqual(stack(o, "dev").database.name, "shop");
    },
  ),
  envFileOk("$$ in a secret (a literal $)", { ".env": "DATABASE_PASSWORD=Tr0ub4dor$$horse-battery\n" }, (o) =>
    assert.deepStrictEqual(stack(o, "dev").secrets.databasePassword, {
      kind: "value",
      value: "Tr0ub4dor$horse-battery",
      source: ".env",
    }),
  ),
  envFileOk(
    "a $ in a single-quoted secret (literal)",
    { ".env": "DATABASE_PASSWORD='Tr0ub4dor$horse'\n" },
    (o) =>
      assert.deepStrictEqual(stack(o, "dev").secrets.databasePassword, {
        kind: "value",
        value: "Tr0ub4dor$horse",
        source: ".env",
      }),
  ),
  envFileOk(
    "$VAR in a secret, VAR set earlier in .env",
    { ".env": "PW_PART=horse-battery\nDATABASE_PASSWORD=Tr0ub4dor-$PW_PART\n" },
    (o) =>
      assert.strictEqual(
        (stack(o, "dev").secrets.databasePassword as { value: string }).value,
        "Tr0ub4dor-horse-battery",
      ),
  ),
  envFileOk("a $ in single quotes (literal)", { ".env": "BACKUP_COPY_TO='/mnt/$backups'\n" }, (o) =>
    assert.strictEqual(config(o).backups.copyTo, "/mnt/$backups"),
  ),
];

// --- secret files: *_FILE settings, SECRETS_DIR, the hash key ------------------------------------

const secretFile = (
  name: string,
  files: Parameters<Tools["load"]>[0],
  env: Record<string, string>,
  refused: Refusal,
  prepare?: (dir: string) => void,
): InProcessCase => ({
  path: "secret file",
  name,
  run: (t) => t.load(files, env, prepare),
  refused,
  withinMs: 1000,
});

const KEY_FILE = (file: string) => ({ DJANGO_SECRET_KEY_FILE__PROD: file });
const CANNOT_READ = /cannot be read: .*; point it at a readable file holding the value/;

const SECRET_FILES: Case[] = [
  secretFile(
    "SECRETS_HASH_KEY with a trailing newline (never shown)",
    {},
    { SECRETS_HASH_KEY: "0123456789abcdef0123456789abcdef\n" },
    {
      field: "SECRETS_HASH_KEY",
      value: "(value hidden)",
      fix: /must be a single line.*without a trailing newline/,
      absent: "0123456789abcdef",
    },
  ),
  secretFile(
    "DATABASE_PASSWORD_FILE holding spaces only",
    { "pw.txt": "   \n" },
    { DATABASE_PASSWORD_FILE: "pw.txt" },
    { field: "DATABASE_PASSWORD_FILE", value: '"pw.txt"', fix: /holds only whitespace; put the value in it/ },
  ),
  secretFile("*_FILE names a directory", { keys: { dir: true } }, KEY_FILE("keys"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"keys"',
    fix: /it is a directory, not a file; point it at a readable file/,
  }),
  secretFile("*_FILE names a FIFO (no hang)", { "key.fifo": { fifo: true } }, KEY_FILE("key.fifo"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"key.fifo"',
    fix: /it is a named pipe, not a file; point it at a readable file/,
  }),
  secretFile("*_FILE names a device", {}, KEY_FILE("/dev/zero"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"/dev/zero"',
    fix: /it is a device, not a file/,
  }),
  secretFile(
    "*_FILE names an endless file (/dev/urandom)",
    {},
    { DATABASE_PASSWORD_FILE: "/dev/urandom" },
    {
      field: "DATABASE_PASSWORD_FILE",
      value: '"/dev/urandom"',
      fix: CANNOT_READ,
    },
  ),
  secretFile("*_FILE names a /proc path", {}, KEY_FILE("/proc/self/environ"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"/proc/self/environ"',
    fix: /kernel file.*point it at a readable file/,
  }),
  secretFile(
    "*_FILE is a link into /proc",
    { "key.txt": { link: "/proc/self/status" } },
    KEY_FILE("key.txt"),
    {
      field: "DJANGO_SECRET_KEY_FILE",
      value: '"key.txt"',
      fix: /kernel file.*point it at a readable file/,
    },
  ),
  secretFile("*_FILE names no file", {}, KEY_FILE("missing.txt"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"missing.txt"',
    fix: /it does not exist; point it at a readable file/,
  }),
  secretFile("*_FILE names an empty file", { "key.txt": "" }, KEY_FILE("key.txt"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"key.txt"',
    fix: /names an empty file; put the value in it/,
  }),
  secretFile("*_FILE names a 100 KB file", { "key.txt": "k".repeat(100_000) }, KEY_FILE("key.txt"), {
    field: "DJANGO_SECRET_KEY_FILE",
    value: '"key.txt"',
    fix: /100000 bytes, more than the 65536 allowed; point it at a readable file/,
  }),
  secretFile(
    "*_FILE holds two lines",
    { "pw.txt": "first-password\nsecond-password\n" },
    { DATABASE_PASSWORD_FILE: "pw.txt" },
    {
      field: "DATABASE_PASSWORD_FILE",
      value: '"pw.txt"',
      fix: /holds more than one line; keep only the value/,
      absent: "second-password",
    },
  ),
  secretFile(
    "*_FILE holds the public your_secret_key, for prod",
    { "key.txt": "your_secret_key\n" },
    KEY_FILE("key.txt"),
    {
      field: "DJANGO_SECRET_KEY_FILE",
      value: '"key.txt"',
      fix: /\(value hidden\) that is a publicly known example value; put a random value/,
      absent: "your_secret_key",
    },
  ),
  {
    path: "secret file",
    name: "*_FILE not readable by the user (chmod 000; run as nobody when root)",
    run: (t) => t.loadAsUser({ "key.txt": { text: GOOD_KEY, mode: 0o000 } }, KEY_FILE("key.txt")),
    refused: {
      field: "DJANGO_SECRET_KEY_FILE",
      value: '"key.txt"',
      fix: /not readable by you \(permission denied\); point it at a readable file/,
      absent: GOOD_KEY,
    },
    withinMs: 15_000,
  },
  secretFile(
    "TLS_KEY_FILE holding no PEM block",
    { "key.pem": "not a key\n", "cert.pem": "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n" },
    { DOMAIN: "app.example.com", TLS_MODE: "files", TLS_CERT_FILE: "cert.pem", TLS_KEY_FILE: "key.pem" },
    {
      field: "TLS_KEY_FILE",
      value: '"key.pem"',
      fix: /holds no PEM block.*give a PEM file/,
      absent: "not a key",
    },
  ),
  secretFile(
    "TLS_CERT_FILE names a directory",
    { certs: { dir: true }, "key.pem": "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n" },
    { DOMAIN: "app.example.com", TLS_MODE: "files", TLS_CERT_FILE: "certs", TLS_KEY_FILE: "key.pem" },
    { field: "TLS_CERT_FILE", value: '"certs"', fix: /it is a directory, not a file/ },
  ),
  secretFile(
    "a group-readable secret file (as ssh refuses it)",
    { ".secrets/dev/database_password": { text: "pw-made-earlier-1234", mode: 0o640 } },
    {},
    { field: ".secrets/dev/database_password", value: "mode 640", fix: /fix it with: chmod 600 / },
  ),
  secretFile(
    "a world-readable SECRETS_DIR",
    { ".secrets/dev/database_password": "pw-made-earlier-1234" },
    {},
    { field: ".secrets", value: "mode 755", fix: /fix it with: chmod 700 / },
    (dir) => fs.chmodSync(`${dir}/.secrets`, 0o755),
  ),
  {
    path: "secret file",
    name: "SECRETS_DIR inside the build context, not in its .dockerignore",
    run: (t) =>
      t.secretsWithContext(
        { "app/Dockerfile": "FROM python:3.13-slim\n", "app/.dockerignore": "*.pyc\n" },
        { SECRETS_DIR: "app/.secrets" },
        "app",
      ),
    refused: { field: "SECRETS_DIR", value: "app/.secrets", fix: /add \.secrets to app\/\.dockerignore/ },
    withinMs: 1000,
  },
  secretFile(
    "SECRETS_DIR is a file",
    { "secrets.txt": "x" },
    { SECRETS_DIR: "secrets.txt" },
    {
      field: "SECRETS_DIR",
      value: "secrets.txt",
      fix: /is not a directory; give it a directory of its own/,
    },
  ),
  secretFile(
    "SECRETS_DIR the project itself",
    {},
    { SECRETS_DIR: "." },
    {
      field: "SECRETS_DIR",
      value: "SECRETS_DIR=.",
      fix: /the project directory itself; give it a directory of its own/,
    },
  ),
  secretFile(
    "SECRETS_DIR the file system's root",
    {},
    { SECRETS_DIR: "/" },
    {
      field: "SECRETS_DIR",
      value: "SECRETS_DIR=/",
      fix: /a directory above the project; give it a directory of its own/,
    },
  ),
  secretFile(
    "SECRETS_DIR under /proc",
    {},
    { SECRETS_DIR: "/proc/self" },
    {
      field: "SECRETS_DIR",
      value: "/proc/self",
      fix: /a kernel directory; give it a directory of its own/,
    },
  ),
  secretFile(
    "SECRETS_HASH_KEY too short",
    {},
    { SECRETS_HASH_KEY: "tooShortKey-42" },
    {
      field: "SECRETS_HASH_KEY",
      value: "(value hidden)",
      fix: /at least 32 characters.*openssl rand -hex 32/,
      absent: "tooShortKey-42",
    },
  ),
  secretFile(
    "the stored hash key truncated",
    { ".secrets/.hash-key": "0123abcd" },
    {},
    {
      field: ".secrets/.hash-key",
      value: "(value hidden)",
      fix: /restore this install's key into it, or remove it/,
      absent: "0123abcd",
    },
  ),
  secretFile(
    "the stored hash key is a directory",
    { ".secrets/.hash-key": { dir: true } },
    {},
    {
      field: ".secrets/.hash-key",
      value: "it is a directory",
      fix: /remove it to have a new one made/,
    },
  ),
  secretFile(
    "a stored secret is a FIFO (no hang)",
    { ".secrets/dev/django_secret_key": { fifo: true } },
    {},
    {
      field: ".secrets/dev/django_secret_key",
      value: "it is a named pipe",
      fix: /remove it to have it made again/,
    },
  ),
  secretFile(
    "the stored app role password is a directory (was a stack trace)",
    { ".secrets/dev/database_app_password": { dir: true } },
    {},
    {
      field: ".secrets/dev/database_app_password",
      value: "it is a directory",
      fix: /remove it to have it made again/,
    },
  ),

  {
    path: "secret file",
    name: "no SECRETS_HASH_KEY in CI (CI=true): a key is made and kept, with a warning",
    run: (t) => t.load({}, { CI: "true" }),
    accepted: (o) => {
      warned(o, /SECRETS_HASH_KEY is not set in CI: made .*\.hash-key.*openssl rand -hex 32/);
      const dir = (o.value as { dir: string }).dir;
      assert.match(fs.readFileSync(path.join(dir, ".secrets/.hash-key"), "utf8"), /^[0-9a-f]{64}$/);
    },
    withinMs: 1000,
  },
  {
    path: "secret file",
    name: "a password file with CRLF (the line end is not part of it)",
    run: (t) => t.load({ "pw.txt": "Pa55-word-from-windows\r\n" }, { DATABASE_PASSWORD_FILE: "pw.txt" }),
    accepted: (o) => assert.strictEqual(stored(o, "dev", "databasePassword"), "Pa55-word-from-windows"),
    withinMs: 1000,
  },
  {
    path: "secret file",
    name: "a key file for prod with a trailing newline",
    run: (t) => t.load({ "key.txt": `${GOOD_KEY}\n` }, KEY_FILE("key.txt")),
    accepted: (o) => assert.strictEqual(stored(o, "prod", "djangoSecretKey"), GOOD_KEY),
    withinMs: 1000,
  },
  {
    path: "secret file",
    name: "SECRETS_DIR inside the build context but in its .dockerignore",
    run: (t) =>
      t.secretsWithContext(
        { "app/Dockerfile": "FROM python:3.13-slim\n", "app/.dockerignore": ".secrets\n" },
        { SECRETS_DIR: "app/.secrets" },
        "app",
      ),
    accepted: (o) => assert.match(stored(o, "dev", "databasePassword"), /^[\w-]{32}$/),
    withinMs: 1000,
  },
];

// --- settings read by the commands themselves: where backups go, plan:pr's PLAN_* --------------

const backupSetting = (
  name: string,
  files: Parameters<Tools["backupTargets"]>[0],
  backups: Parameters<Tools["backupTargets"]>[1],
  refused: Refusal,
): InProcessCase => ({ path: "setting", name, run: (t) => t.backupTargets(files, backups), refused });

const planSetting = (
  name: string,
  files: Parameters<Tools["planSettings"]>[0],
  env: Record<string, string>,
  refused: Refusal,
): InProcessCase => ({ path: "setting", name, run: (t) => t.planSettings(files, env), refused });

const COMMAND_SETTINGS: Case[] = [
  backupSetting(
    "BACKUP_DIR a file (was ENOTDIR after the dump, rotation skipped)",
    { "dumps.txt": "x" },
    { dir: "dumps.txt" },
    {
      field: "BACKUP_DIR",
      value: "dumps.txt",
      fix: /is a file, not a directory; give BACKUP_DIR a directory/,
    },
  ),
  backupSetting(
    "BACKUP_DIR with a file where the environment's folder goes",
    { "backups/dev": "x" },
    {},
    {
      field: "BACKUP_DIR",
      value: "backups/dev",
      fix: /is a file, not a directory; .*or move .*backups\/dev away/,
    },
  ),
  backupSetting(
    "BACKUP_COPY_TO under a file",
    { "share.txt": "x" },
    { copyTo: "share.txt/backups" },
    {
      field: "BACKUP_COPY_TO",
      value: "share.txt",
      fix: /is a file, not a directory; give BACKUP_COPY_TO a directory/,
    },
  ),
  backupSetting(
    "BACKUP_COPY_TO an s3:// URL (the copy is a local directory)",
    {},
    { copyTo: "s3://backups/prod" },
    {
      field: "BACKUP_COPY_TO",
      value: "s3://backups/prod",
      fix: /sync that directory to the bucket .*aws s3 sync, rclone/,
    },
  ),
  backupSetting(
    "BACKUP_DIR a link to nothing",
    { dumps: { link: "/nonexistent/dumps" } },
    { dir: "dumps" },
    {
      field: "BACKUP_DIR",
      value: '"/nonexistent/dumps"',
      fix: /which does not exist; give BACKUP_DIR a directory/,
    },
  ),
  {
    path: "setting",
    name: "BACKUP_DIR and BACKUP_COPY_TO folders still to be made (nothing is made by the check)",
    run: (t) => t.backupTargets({ "mnt/.keep": "" }, { dir: "dumps", copyTo: "mnt/share" }),
    accepted: (o) => {
      const dir = o.value as string;
      assert.ok(!fs.existsSync(path.join(dir, "dumps")) && !fs.existsSync(path.join(dir, "mnt/share")));
    },
  },
  planSetting(
    "PLAN_OUT_DIR a file (was unexpected failure: EEXIST)",
    { "plans.txt": "x" },
    { PLAN_OUT_DIR: "plans.txt" },
    {
      field: "PLAN_OUT_DIR",
      value: "plans.txt",
      fix: /is a file, not a directory; give PLAN_OUT_DIR a folder of its own/,
    },
  ),
  planSetting(
    "PLAN_OUT_DIR cdktf.out itself (its stack folders are emptied)",
    {},
    { PLAN_OUT_DIR: "cdktf.out" },
    {
      field: "PLAN_OUT_DIR",
      value: "cdktf.out",
      fix: /where synth writes each environment; .*e\.g\. cdktf\.out\/plans/,
    },
  ),
  planSetting(
    "PLAN_COMMENT_FILE a directory",
    { comments: { dir: true } },
    { PLAN_COMMENT_FILE: "comments" },
    {
      field: "PLAN_COMMENT_FILE",
      value: "comments",
      fix: /is a directory, not a file; give PLAN_COMMENT_FILE a file path/,
    },
  ),
  planSetting(
    "PLAN_MODE unknown (was silently the default)",
    {},
    { PLAN_MODE: "review" },
    { field: "PLAN_MODE", value: '"review"', fix: /one of pull-request, local, drift-watch, re-plan/ },
  ),
  planSetting(
    "PLAN_COMMENT_MAX_CHARS negative (was taken)",
    {},
    { PLAN_COMMENT_MAX_CHARS: "-5" },
    { field: "PLAN_COMMENT_MAX_CHARS", value: '"-5"', fix: MUST_BE_NUMBER(1000, 65536) },
  ),
  planSetting(
    "PLAN_COMMENT_MAX_CHARS not a number (was silently the default)",
    {},
    { PLAN_COMMENT_MAX_CHARS: "abc" },
    { field: "PLAN_COMMENT_MAX_CHARS", value: '"abc"', fix: /or leave it unset/ },
  ),
  planSetting(
    "PLAN_REDACT_ENV with a value in place of a name",
    {},
    { PLAN_REDACT_ENV: "MY_TOKEN,hunter 2" },
    { field: "PLAN_REDACT_ENV", value: '"hunter 2"', fix: /give the variables' names, not their values/ },
  ),
  planSetting(
    "PLAN_COMMIT a branch name (was silently no commit)",
    {},
    { PLAN_COMMIT: "main" },
    { field: "PLAN_COMMIT", value: '"main"', fix: /must be a commit SHA \(7 to 64 hex digits\)/ },
  ),
  {
    path: "setting",
    name: "PLAN_REDACT_ENV with spaces after the commas (each name trimmed)",
    run: (t) => t.planSettings({}, { PLAN_REDACT_ENV: "A, B ,C", PLAN_MODE: " re-plan " }),
    accepted: (o) => assert.strictEqual((o.value as { mode: string }).mode, "re-plan"),
  },
];

// --- command line arguments, through parseArgs (ENVIRONMENTS=dev,prod) --------------------------

const cli = (argv: readonly string[], refused: Refusal): InProcessCase => ({
  path: "CLI argument",
  name: JSON.stringify(argv.join(" ")),
  run: (t) => t.args(argv),
  refused,
});
const cliOk = (argv: readonly string[], accepted: (a: ParsedArgs) => void): InProcessCase => ({
  path: "CLI argument",
  name: JSON.stringify(argv.join(" ")),
  run: (t) => t.args(argv),
  accepted: (o) => accepted(args(o)),
});

const CLI_ARGS: Case[] = [
  cli([], { field: "command", value: "no command given", fix: /give one of synth, diff, deploy/ }),
  cli(["deplyo", "dev"], { field: "command", value: '"deplyo"', fix: /one of synth, diff, deploy/ }),
  cli(["deploy", "dev", "--force"], { field: "option", value: '"--force"', fix: /see --help/ }),
  cli(["logs", "dev", "--since"], { field: "--since", value: "needs a value", fix: /e\.g\. --since 10m/ }),
  cli(["logs", "dev", "--since", "yesterday"], {
    field: "--since",
    value: '"yesterday"',
    fix: /a duration like 10m, 2h, 1d or a date like 2026-11-30T10:00/,
  }),
  cli(["logs", "dev", "--since", "2026-13-45"], {
    field: "--since",
    value: '"2026-13-45"',
    fix: /a date like/,
  }),
  cli(["logs", "dev", "--since", "2026-02-29"], {
    field: "--since",
    value: '"2026-02-29"',
    fix: /a date like/,
  }),
  cli(["logs", "dev", "--since=2026-11-30T25:00"], {
    field: "--since",
    value: '"2026-11-30T25:00"',
    fix: /a date like/,
  }),
  cli(["logs", "dev", "--tail", "0"], {
    field: "--tail",
    value: '"0"',
    fix: /whole number from 1 to 100000/,
  }),
  cli(["logs", "dev", "--tail", "1e3"], {
    field: "--tail",
    value: '"1e3"',
    fix: /whole number from 1 to 100000/,
  }),
  cli(["logs", "dev", "--tail="], { field: "--tail", value: "needs a value", fix: /e\.g\. --tail 100/ }),
  cli(["logs", "dev", "--service", "api"], {
    field: "--service",
    value: '"api"',
    fix: /must be web, db or proxy/,
  }),
  cli(["pg-upgrade", "dev", "--image", "postgres", "--yes"], {
    field: "--image",
    value: '"postgres"',
    fix: /tag other than latest, or a digest, like postgres:18/,
  }),
  cli(["pg-upgrade", "dev", "--image", "Postgres:18", "--yes"], {
    field: "--image",
    value: '"Postgres:18"',
    fix: /like postgres:18/,
  }),
  cli(["pg-upgrade", "dev", "--image", "postgres:18"], {
    field: "pg-upgrade",
    value: "dev",
    fix: /add --yes/,
  }),
  cli(["restore", "dev", "backups/dev/dev.dump"], {
    field: "restore",
    value: '"backups/dev/dev.dump"',
    fix: /add --yes to do it/,
  }),
  cli(["restore", "dev"], { field: "restore", value: "one dump file", fix: /usage: npm run restore/ }),
  cli(["manage", "dev"], { field: "manage", value: "a manage.py command", fix: /e\.g\. createsuperuser/ }),
  cli(["deploy", "dev", "--all"], { field: "--all", value: "environments or --all", fix: /not both/ }),
  cli(["deploy"], { field: "deploy", value: "needs an environment", fix: /one of dev, prod\) or --all/ }),
  cli(["deploy", "Prod"], { field: "environment", value: '"Prod"', fix: /ENVIRONMENTS is dev,prod/ }),
  cli(["deploy", "dev-app"], { field: "environment", value: '"dev-app"', fix: /deployed with it/ }),
  cli(["rollback", "dev", "prod"], { field: "rollback", value: "one environment at a time", fix: /usage:/ }),
  cli(["synth", "--auto-approve"], {
    field: "--auto-approve",
    value: "synth takes no",
    fix: /usage: npm run synth/,
  }),
  cli(["status", "dev", "--tail", "5"], {
    field: "--tail",
    value: "status takes no",
    fix: /usage: npm run status/,
  }),
  cli(["deploy", "dev", "--auto-approve=no"], {
    field: "--auto-approve",
    value: '"no"',
    fix: /give --auto-approve alone, or leave it out/,
  }),
  cli(["backup", "dev", "--to="], { field: "--to", value: "needs a value", fix: /e\.g\. --to / }),
  cli(["deploy", ""], { field: "environment", value: '""', fix: /ENVIRONMENTS is dev,prod/ }),
  cli(["logs", "dev", "--tail", "5", "--tail", "6"], {
    field: "--tail",
    value: '("5" and "6")',
    fix: /is given twice .*give --tail once/,
  }),
  cli(["backup", "dev", "--to", "/mnt/a", "--to=/mnt/b"], {
    field: "--to",
    value: '("/mnt/a" and "/mnt/b")',
    fix: /give --to once/,
  }),
  cli(["logs", "dev", "--since", "99999999999999999999d"], {
    field: "--since",
    value: '"99999999999999999999d"',
    fix: /at most 3650 days .*give a shorter one like 30d/,
  }),
  cli(["logs", "dev", "--since", "87601h"], {
    field: "--since",
    value: '"87601h"',
    fix: /at most 3650 days/,
  }),
  {
    path: "CLI argument",
    name: "pg-upgrade to an older major: postgres:16 on PostgreSQL 17 data (was not refused)",
    run: (t) => t.pgUpgrade("postgres:16", "17", "16"),
    refused: {
      field: "--image postgres:16",
      value: "PostgreSQL 16, older than the data of dev (PostgreSQL 17)",
      fix: /\(exit 2\) .*only moves to a newer major.*e\.g\. --image postgres:18/,
    },
  },
  {
    path: "CLI argument",
    name: "pg-upgrade to the data's own major",
    run: (t) => t.pgUpgrade("postgres:17.2", "17", "17"),
    refused: {
      field: "--image postgres:17.2",
      value: "PostgreSQL 17",
      fix: /\(exit 2\) .*nothing to upgrade/,
    },
  },
  {
    path: "CLI argument",
    name: "pg-upgrade from 9.6 to 10 (9.6 is a major, not 9)",
    run: (t) => t.pgUpgrade("postgres:10", "9.6", "10"),
    accepted: () => undefined,
  },
  cliOk(["backup", "dev", "--to", "/mnt/a", "--to", "/mnt/a"], (a) =>
    assert.strictEqual(a.options.to, "/mnt/a"),
  ),
  cliOk(["logs", "dev", "--since", "3650d"], (a) => assert.strictEqual(a.options.since, "3650d")),

  cliOk(["logs", "dev", "--since=10m"], (a) => assert.strictEqual(a.options.since, "10m")),
  cliOk(["logs", "prod", "--since", "2028-02-29T23:59"], (a) => {
    assert.strictEqual(a.options.since, "2028-02-29T23:59");
    assert.deepStrictEqual(a.environments, ["prod"]);
  }),
  cliOk(["deploy", "dev", "dev", "--yes"], (a) => {
    assert.deepStrictEqual(a.environments, ["dev"]);
    assert.strictEqual(a.options.autoApprove, true);
  }),
  cliOk(["logs", "dev", "-f", "--service=db", "--tail", "00100"], (a) => {
    assert.strictEqual(a.options.follow, true);
    assert.strictEqual(a.options.service, "db");
    assert.strictEqual(a.options.tail, 100);
  }),
  cliOk(["deploy", "nowhere", "--help"], (a) => {
    assert.strictEqual(a.command, "deploy");
    assert.strictEqual(a.options.help, true);
  }),
];

// --- construct props, validated at synth by each construct ---------------------------------------

const prop = (name: string, build: Parameters<Tools["construct"]>[0], refused: Refusal): InProcessCase => ({
  path: "construct prop",
  name,
  run: (t) => t.construct(build),
  refused,
});

const database =
  (props: Record<string, unknown>): Parameters<Tools["construct"]>[0] =>
  (s, lib, sup) => {
    const network = new lib.AppNetwork(s, "Net", { namePrefix: "t" });
    const secrets = new lib.Secrets(s, "Secrets", {
      name: "t-secrets",
      toolImage: "postgres:17",
      databaseFiles: [sup.PASSWORD],
    });
    new lib.PostgresDatabase(s, "Db", {
      name: "t-db",
      network: network.backend,
      secrets,
      password: sup.PASSWORD,
      ...props,
    });
  };

/** The sample project, an existing build context (its image is never built here). */
const SAMPLE_PROJECT = path.resolve(__dirname, "..", "..", "django-app");

/** A DjangoService wired to its network, secrets, database and image, with `extra` props. */
function service(
  s: Parameters<Parameters<Tools["construct"]>[0]>[0],
  lib: Parameters<Parameters<Tools["construct"]>[0]>[1],
  sup: Parameters<Parameters<Tools["construct"]>[0]>[2],
  extra: Record<string, unknown>,
): void {
  const { network, secrets, database } = sup.basics(s);
  const image = new lib.DjangoImage(s, "Img", {
    repository: "t-web",
    contextDir: SAMPLE_PROJECT,
    contextPath: "x",
    sourceHash: "0123456789abcdef",
  });
  new lib.DjangoService(s, "App", {
    namePrefix: "t",
    image,
    database: database.connection,
    networks: network.names,
    secrets: secrets.ref,
    secretKey: sup.SECRET_KEY,
    ...extra,
  });
}

const CONSTRUCT_PROPS: Case[] = [
  prop(
    "AppNetwork namePrefix with a space",
    (s, lib) => new lib.AppNetwork(s, "Net", { namePrefix: "bad name" }),
    {
      field: "t/Net: namePrefix",
      value: '"bad name"',
      fix: /e\.g\. django-dev/,
    },
  ),
  prop("PostgresDatabase port 0", database({ port: 0 }), {
    field: "t/Db: port",
    value: "got 0",
    fix: /use a TCP port, e\.g\. 5432/,
  }),
  prop("PostgresDatabase memoryMb with a fraction", database({ memoryMb: 10.5 }), {
    field: "t/Db: memoryMb",
    value: "got 10.5",
    fix: /give MiB, e\.g\. 512/,
  }),
  prop("PostgresDatabase cpus 0.001", database({ cpus: 0.001 }), {
    field: "t/Db: cpus",
    value: "got 0.001",
    fix: /e\.g\. 1 or 0\.5/,
  }),
  prop("PostgresDatabase cpus NaN", database({ cpus: NaN }), {
    field: "t/Db: cpus",
    value: "got NaN",
    fix: /e\.g\. 1 or 0\.5/,
  }),
  prop("PostgresDatabase image without a tag", database({ image: "postgres" }), {
    field: "t/Db: image",
    value: '"postgres"',
    fix: /pin a version, e\.g\. postgres:17/,
  }),
  prop("PostgresDatabase alias in capitals", database({ alias: "DB" }), {
    field: "t/Db: alias",
    value: '"DB"',
    fix: /use a short name such as db/,
  }),
  prop("PostgresDatabase username in the reserved pg_ names", database({ username: "pg_owner" }), {
    field: "t/Db: username",
    value: '"pg_owner"',
    fix: /must not start with pg_.*e\.g\. django/,
  }),
  prop("PostgresDatabase username the administration role", database({ username: "django_cdktf_admin" }), {
    field: "t/Db: username",
    value: '"django_cdktf_admin"',
    fix: /roles the construct administers the server with.*e\.g\. django/,
  }),
  prop("PostgresDatabase databaseName with a dash", database({ databaseName: "my-db" }), {
    field: "t/Db: databaseName",
    value: '"my-db"',
    fix: /e\.g\. django/,
  }),
  prop("DjangoService memoryMb 1", (s, lib, sup) => service(s, lib, sup, { memoryMb: 1 }), {
    field: "t/App: memoryMb",
    value: "got 1",
    fix: /give MiB, e\.g\. 512/,
  }),
  prop("DjangoService workers 0", (s, lib, sup) => service(s, lib, sup, { settings: { workers: 0 } }), {
    field: "t/App: settings.workers",
    value: "got 0",
    fix: /e\.g\. 2/,
  }),
  prop(
    "DjangoService logLevel unknown",
    (s, lib, sup) => service(s, lib, sup, { settings: { logLevel: "verbose" } }),
    {
      field: "t/App: settings.logLevel",
      value: '"verbose"',
      fix: /must be one of DEBUG, INFO.*e\.g\. INFO/,
    },
  ),
  prop(
    "DjangoService healthTimeoutSeconds 5",
    (s, lib, sup) => service(s, lib, sup, { healthTimeoutSeconds: 5 }),
    {
      field: "t/App: healthTimeoutSeconds",
      value: "got 5",
      fix: /give seconds, e\.g\. 90/,
    },
  ),
  prop(
    "DjangoService hstsSeconds negative",
    (s, lib, sup) => service(s, lib, sup, { settings: { hstsSeconds: -1 } }),
    {
      field: "t/App: settings.hstsSeconds",
      value: "got -1",
      fix: /0 turns HSTS off/,
    },
  ),
  prop(
    "DjangoService namePrefix with a space",
    (s, lib, sup) => service(s, lib, sup, { namePrefix: "Bad Prefix" }),
    {
      field: "t/App: namePrefix",
      value: '"Bad Prefix"',
      fix: /use a Docker object name/,
    },
  ),
  prop(
    "DjangoImage repository with a space",
    (s, lib) =>
      new lib.DjangoImage(s, "Img", {
        repository: "Bad Repo",
        contextDir: SAMPLE_PROJECT,
        contextPath: "x",
        sourceHash: "0123456789abcdef",
      }),
    { field: "t/Img: repository", value: '"Bad Repo"', fix: /e\.g\. django-dev-web/ },
  ),
  prop(
    "DjangoImage contextDir that does not exist (a path)",
    (s, lib) =>
      new lib.DjangoImage(s, "Img", {
        repository: "t-web",
        contextDir: "/nonexistent/app",
        contextPath: "x",
      }),
    {
      field: "t/Img: contextDir",
      value: '"/nonexistent/app"',
      fix: /point it at a directory holding a Dockerfile/,
    },
  ),
  prop(
    "DjangoImage baseImage without a tag",
    (s, lib) =>
      new lib.DjangoImage(s, "Img", {
        repository: "t-web",
        contextDir: SAMPLE_PROJECT,
        contextPath: "x",
        sourceHash: "0123456789abcdef",
        baseImage: "python",
      }),
    { field: "t/Img: baseImage", value: '"python"', fix: /pin a version, e\.g\. python:3\.13-slim/ },
  ),
  prop(
    "CaddyProxy httpPort 70000",
    (s, lib) => {
      const n = new lib.AppNetwork(s, "Net", { namePrefix: "t" });
      new lib.CaddyProxy(s, "Proxy", { name: "t-proxy", network: n.frontend, httpPort: 70000 });
    },
    { field: "t/Proxy: httpPort", value: "got 70000", fix: /use a free TCP port of the Docker host/ },
  ),
  prop(
    "CaddyProxy bindAddress as a host name",
    (s, lib) => {
      const n = new lib.AppNetwork(s, "Net", { namePrefix: "t" });
      new lib.CaddyProxy(s, "Proxy", {
        name: "t-proxy",
        network: n.frontend,
        httpPort: 80,
        bindAddress: "localhost",
      });
    },
    { field: "t/Proxy: bindAddress", value: '"localhost"', fix: /e\.g\. 127\.0\.0\.1/ },
  ),
  prop(
    "CaddyProxy httpsPort equal to httpPort",
    (s, lib) => {
      const n = new lib.AppNetwork(s, "Net", { namePrefix: "t" });
      new lib.CaddyProxy(s, "Proxy", {
        name: "t-proxy",
        network: n.frontend,
        httpPort: 8080,
        httpsPort: 8080,
      });
    },
    { field: "t/Proxy: httpsPort", value: "got 8080", fix: /must differ from httpPort.*e\.g\. 443/ },
  ),
  prop(
    "Secrets toolImage without a tag",
    (s, lib) => new lib.Secrets(s, "Secrets", { name: "t-secrets", toolImage: "alpine" }),
    { field: "t/Secrets: toolImage", value: '"alpine"', fix: /e\.g\. postgres:17/ },
  ),
  prop(
    "Secrets file name with a path in it",
    (s, lib, sup) =>
      new lib.Secrets(s, "Secrets", {
        name: "t-secrets",
        toolImage: "postgres:17",
        appFiles: [{ ...sup.SECRET_KEY, name: "../etc/passwd" }],
      }),
    {
      field: "t/Secrets: appFiles[0].name",
      value: '"../etc/passwd"',
      fix: /use letters, digits, '_', '\.' and '-'/,
    },
  ),
  prop(
    "Secrets with one file name twice",
    (s, lib, sup) =>
      new lib.Secrets(s, "Secrets", {
        name: "t-secrets",
        toolImage: "postgres:17",
        appFiles: [sup.SECRET_KEY, { ...sup.PASSWORD, name: sup.SECRET_KEY.name }],
      }),
    {
      field: "t/Secrets: appFiles[1].name",
      value: '"django_secret_key"',
      fix: /give each secret file its own name/,
    },
  ),

  {
    path: "construct prop",
    name: "PostgresDatabase cpus 0.5 (written as the provider reads it back)",
    run: (t) => t.construct(database({ cpus: 0.5 })),
    accepted: (o) =>
      assert.ok(
        resources(o, "docker_container").some((c) => c.cpus === "0.5"),
        "no container with cpus 0.5",
      ),
  },
  {
    path: "construct prop",
    name: "PostgresDatabase image pinned by digest",
    run: (t) => t.construct(database({ image: `postgres@${DIGEST}` })),
    accepted: (o) =>
      assert.ok(
        resources(o, "docker_image").some((i) => i.name === `postgres@${DIGEST}`),
        "image not used",
      ),
  },
  {
    path: "construct prop",
    name: "DjangoService logLevel WARNING",
    run: (t) => t.construct((s, lib, sup) => service(s, lib, sup, { settings: { logLevel: "WARNING" } })),
    accepted: (o) =>
      assert.ok(
        resources(o, "docker_container").some((c) =>
          (c.env as string[] | undefined)?.includes("DJANGO_LOGLEVEL=WARNING"),
        ),
        "no container with DJANGO_LOGLEVEL=WARNING",
      ),
  },
];

// --- real CLI processes (scripts/cli.ts in a scratch project): exit code, message, no stack trace

const PROCESS_CASES: ProcessCase[] = [
  {
    path: "CLI argument",
    name: "CLI: deploy dev --auto-approve --saved-plans naming no folder (refused before any synth)",
    argv: ["deploy", "dev", "--auto-approve", "--saved-plans", "no-such-plans"],
    exitCode: 2,
    refused: {
      field: "--saved-plans",
      value: "no-such-plans",
      fix: /give the folder `npm run plan:pr` wrote/,
    },
    withinMs: 30_000,
  },
  {
    path: ".env file",
    name: "CLI: synth with .env a named pipe (was a hang)",
    argv: ["synth", "dev"],
    setup: (dir, t) => t.mkfifo(`${dir}/.env`),
    exitCode: 2,
    refused: { field: ".env", value: "it is a named pipe", fix: /make it a text file/ },
    withinMs: 30_000,
  },
  {
    path: ".env file",
    name: "CLI: synth with ${...} nested 5,000 deep in .env (was a stack trace)",
    argv: ["synth", "dev"],
    setup: (dir) =>
      fs.writeFileSync(`${dir}/.env`, `DATABASE_NAME=${"${A:-".repeat(5000)}x${"}".repeat(5000)}\n`),
    exitCode: 2,
    refused: { field: "(DATABASE_NAME)", value: "${...}", fix: /simplify the value/ },
    withinMs: 30_000,
  },
  {
    path: "setting",
    name: "CLI: synth prod with DEBUG=True",
    argv: ["synth", "prod"],
    env: { DEBUG: "True" },
    exitCode: 2,
    refused: { field: "DEBUG", value: '"True"', fix: /set DEBUG=false/ },
    withinMs: 30_000,
  },
  {
    path: "secret file",
    name: "CLI: synth with SECRETS_DIR a file (was a stack trace)",
    argv: ["synth", "dev"],
    env: { SECRETS_DIR: "secrets.txt" },
    setup: (dir) => fs.writeFileSync(`${dir}/secrets.txt`, "x"),
    exitCode: 2,
    refused: { field: "SECRETS_DIR", value: "secrets.txt", fix: /give it a directory of its own/ },
    withinMs: 30_000,
  },
  {
    path: "CLI argument",
    name: "CLI: deploy dev --auto-approve=no (was taken as approval)",
    argv: ["deploy", "dev", "--auto-approve=no"],
    exitCode: 2,
    refused: { field: "--auto-approve", value: '"no"', fix: /leave it out/ },
    withinMs: 30_000,
  },
  {
    path: "CLI argument",
    name: "CLI: backup dev --to a file (was ENOTDIR after the dump, exit 1; refused before Docker)",
    argv: ["backup", "dev", "--to", "dumps.txt"],
    setup: (dir) => fs.writeFileSync(`${dir}/dumps.txt`, "x"),
    exitCode: 2,
    refused: { field: "--to dumps.txt", value: "is a file", fix: /give --to a directory/ },
    withinMs: 30_000,
  },
  {
    path: "setting",
    name: "CLI: backup dev with BACKUP_DIR a file (refused before Docker)",
    argv: ["backup", "dev"],
    env: { BACKUP_DIR: "dumps.txt" },
    setup: (dir) => fs.writeFileSync(`${dir}/dumps.txt`, "x"),
    exitCode: 2,
    refused: { field: "BACKUP_DIR", value: "dumps.txt", fix: /give BACKUP_DIR a directory/ },
    withinMs: 30_000,
  },
  {
    path: ".env file",
    name: "CLI: synth with ENVIRONMENTS=' ' in .env (was \"synth needs an environment\")",
    argv: ["synth"],
    setup: (dir) => fs.writeFileSync(`${dir}/.env`, "ENVIRONMENTS=' '\n"),
    exitCode: 2,
    refused: {
      field: "ENVIRONMENTS",
      value: '" "',
      fix: /must name at least one environment, e\.g\. "dev"/,
      absent: "needs an environment",
    },
    withinMs: 30_000,
  },
  {
    path: "setting",
    name: "CLI: synth dev with ENVIRONMENTS='dev prod' (was unknown environment)",
    argv: ["synth", "dev"],
    env: { ENVIRONMENTS: "dev prod" },
    exitCode: 2,
    refused: {
      field: "ENVIRONMENTS",
      value: '"dev prod"',
      fix: /separate environment names with commas/,
      absent: "unknown environment",
    },
    withinMs: 30_000,
  },
  {
    path: "setting",
    name: "CLI: diff dev with DOCKER_HOST=notaurl (was exit 1 after the Terraform check)",
    argv: ["diff", "dev"],
    env: { DOCKER_HOST: "notaurl" },
    exitCode: 2,
    refused: {
      field: "DOCKER_HOST",
      value: '"notaurl"',
      fix: /must be unix:\/\/\/path\/to\/docker\.sock, tcp:\/\/host:port, ssh:\/\/user@host/,
    },
    withinMs: 30_000,
  },
  {
    path: "setting",
    name: "CLI: diff dev with TERRAFORM_BINARY_NAME naming nothing on PATH (was exit 1)",
    argv: ["diff", "dev"],
    env: { TERRAFORM_BINARY_NAME: "terrafrom" },
    exitCode: 2,
    refused: {
      field: "TERRAFORM_BINARY_NAME",
      value: '"terrafrom"',
      fix: /fix it, or unset it to use terraform or tofu from PATH/,
    },
    withinMs: 30_000,
  },
  {
    path: "CLI argument",
    name: "CLI: restore without --yes (refused before Docker is reached)",
    argv: ["restore", "dev", "some.dump"],
    exitCode: 2,
    refused: { field: "restore", value: '"some.dump"', fix: /add --yes/ },
    withinMs: 30_000,
  },
];

export const CASES: readonly Case[] = [
  ...SETTINGS,
  ...COMMAND_SETTINGS,
  ...ENV_FILES,
  ...SECRET_FILES,
  ...CLI_ARGS,
  ...CONSTRUCT_PROPS,
  ...PROCESS_CASES,
];

/** A stable id per case (its path and name), unique across the table. */
export function caseId(c: Case): string {
  return `${c.path}: ${c.name}`;
}
