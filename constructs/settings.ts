/**
 * Every setting a user can give, in one table. `config.ts` parses them, the typo check knows
 * them, and `scripts/settings-table.ts` renders the README table from them, so the three can
 * never disagree.
 */

export type SettingScope =
  /** Read once for the whole app: from the process environment or `.env`. */
  | "global"
  /** Read per environment: process environment, then `.env.<environment>`, then `.env`. */
  | "stack";

export interface SettingSpec {
  readonly name: string;
  readonly scope: SettingScope;
  /** Default as shown to users; "" means unset. */
  readonly default: string;
  readonly description: string;
  /** The value never appears in config output, messages or synthesized files. */
  readonly secret?: boolean;
}

export const SETTINGS: readonly SettingSpec[] = [
  // --- the stack -------------------------------------------------------------------------------
  {
    name: "ENVIRONMENTS",
    scope: "global",
    default: "dev,prod",
    description:
      "Comma list of environments; one stack each, deployable side by side on one Docker host.",
  },
  {
    name: "PROJECT_NAME",
    scope: "global",
    default: "django",
    description:
      "Prefix of every Docker object name (`<project>-<environment>-web`, ...). Lower case letters, digits, `-`.",
  },
  {
    name: "APP_BIND_ADDRESS",
    scope: "stack",
    default: "127.0.0.1",
    description:
      "Host address the app's port is published on. `0.0.0.0` publishes on every interface.",
  },
  {
    name: "APP_PORT",
    scope: "stack",
    default: "8000 + position in ENVIRONMENTS",
    description: "Host port of the app (dev 8000, prod 8001 with the default ENVIRONMENTS).",
  },
  {
    name: "APP_MEMORY_MB",
    scope: "stack",
    default: "512",
    description: "Memory limit of the app container, in MiB (64 to 65536). No swap.",
  },
  {
    name: "PYTHON_IMAGE",
    scope: "stack",
    default: "python:3.13-slim",
    description:
      "Base image of the Django image (build argument). Point it at a private registry or mirror.",
  },
  {
    name: "POSTGRES_IMAGE",
    scope: "stack",
    default: "postgres:17",
    description:
      "PostgreSQL image. Must carry a tag or digest; a new major version needs a data upgrade first.",
  },
  {
    name: "POSTGRES_MEMORY_MB",
    scope: "stack",
    default: "512",
    description: "Memory limit of the database container, in MiB (64 to 65536). No swap.",
  },
  {
    name: "DELETE_DATA_ON_DESTROY",
    scope: "stack",
    default: "false",
    description:
      "Opt in to deleting the database volume on `destroy`. Off: the volume outlives every destroy and replacement.",
  },
  {
    name: "SECRETS_DIR",
    scope: "global",
    default: ".secrets",
    description:
      "Directory (relative to the project) of the secret files, one sub-directory per environment. Never commit it.",
  },
  {
    name: "TF_BACKEND",
    scope: "global",
    default: "local",
    description:
      "Where Terraform state lives: `local`, `s3` (any S3-compatible store), `pg` (PostgreSQL) or `http`.",
  },
  {
    name: "TF_STATE_PREFIX",
    scope: "global",
    default: "PROJECT_NAME",
    description:
      "Name prefix of each stack's remote state (S3 key `<prefix>/<env>.tfstate`, pg schema `<prefix>_<env>`, http `<address>/<prefix>-<env>`).",
  },
  {
    name: "TF_S3_BUCKET",
    scope: "global",
    default: "",
    description:
      "`s3` backend: bucket. Credentials come from the usual AWS_* variables, never from this config.",
  },
  {
    name: "TF_S3_REGION",
    scope: "global",
    default: "us-east-1",
    description: "`s3` backend: region.",
  },
  {
    name: "TF_S3_ENDPOINT",
    scope: "global",
    default: "",
    description:
      "`s3` backend: endpoint URL of an S3-compatible store (MinIO, Ceph, R2, ...); empty for AWS.",
  },
  {
    name: "TF_HTTP_BASE_URL",
    scope: "global",
    default: "",
    description:
      "`http` backend: base URL; each stack uses `<base>/<prefix>-<env>`. Credentials: TF_HTTP_USERNAME / TF_HTTP_PASSWORD.",
  },
  {
    name: "TF_PG_SCHEMA_PREFIX",
    scope: "global",
    default: "TF_STATE_PREFIX",
    description:
      "`pg` backend: schema prefix. The connection string comes from PG_CONN_STR, never from this config.",
  },
  // --- the seed's .env vocabulary, read by Django ------------------------------------------------
  {
    name: "DJANGO_SECRET_KEY",
    scope: "stack",
    default: "generated",
    secret: true,
    description:
      "Django's secret key. Unset: generated once per environment and kept in SECRETS_DIR.",
  },
  {
    name: "DJANGO_SECRET_KEY_FILE",
    scope: "stack",
    default: "",
    description: "Path of a file holding DJANGO_SECRET_KEY (instead of the value).",
  },
  {
    name: "DEBUG",
    scope: "stack",
    default: "false",
    description: "Django debug mode: true/false, 1/0, yes/no, on/off. Never on in production.",
  },
  {
    name: "DJANGO_LOGLEVEL",
    scope: "stack",
    default: "INFO",
    description: "Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.",
  },
  {
    name: "DJANGO_ALLOWED_HOSTS",
    scope: "stack",
    default: "localhost,127.0.0.1",
    description: "Comma list of host names the app answers to.",
  },
  {
    name: "DJANGO_CSRF_TRUSTED_ORIGINS",
    scope: "stack",
    default: "",
    description: "Comma list of origins (`https://example.com`) trusted for unsafe requests.",
  },
  {
    name: "DJANGO_SECURE_PROXY_SSL_HEADER",
    scope: "stack",
    default: "false",
    description: "Trust `X-Forwarded-Proto: https` from a TLS-terminating proxy in front.",
  },
  {
    name: "DJANGO_SECURE_SSL_REDIRECT",
    scope: "stack",
    default: "false",
    description: "Redirect plain HTTP to HTTPS (only behind HTTPS).",
  },
  {
    name: "DJANGO_SECURE_COOKIES",
    scope: "stack",
    default: "false",
    description: "Send session and CSRF cookies over HTTPS only.",
  },
  {
    name: "DJANGO_SECURE_HSTS_SECONDS",
    scope: "stack",
    default: "0",
    description: "HSTS max-age in seconds (0 turns HSTS off).",
  },
  {
    name: "DATABASE_ENGINE",
    scope: "stack",
    default: "postgresql",
    description:
      "`postgresql`; the seed's `postgresql_psycopg2` (removed in Django 3.0) is accepted and mapped.",
  },
  {
    name: "DATABASE_NAME",
    scope: "stack",
    default: "django",
    description: "Database name (created on first start).",
  },
  {
    name: "DATABASE_USERNAME",
    scope: "stack",
    default: "django",
    description: "Database user (created on first start, owns the database).",
  },
  {
    name: "DATABASE_PASSWORD",
    scope: "stack",
    default: "generated",
    secret: true,
    description:
      "Database password. Unset: generated once per environment and kept in SECRETS_DIR.",
  },
  {
    name: "DATABASE_PASSWORD_FILE",
    scope: "stack",
    default: "",
    description: "Path of a file holding DATABASE_PASSWORD (instead of the value).",
  },
  {
    name: "DATABASE_HOST",
    scope: "stack",
    default: "db",
    description:
      "Name the app uses to reach the database: the database container's alias on the private network.",
  },
  {
    name: "DATABASE_PORT",
    scope: "stack",
    default: "5432",
    description: "Port PostgreSQL listens on inside the private network (never published).",
  },
  {
    name: "GUNICORN_WORKERS",
    scope: "stack",
    default: "2",
    description: "Gunicorn worker processes (1 to 64).",
  },
  {
    name: "GUNICORN_THREADS",
    scope: "stack",
    default: "4",
    description: "Threads per gunicorn worker (1 to 64).",
  },
];

/** Names people set for other tools that share our prefixes; never warned about. */
export const FOREIGN_NAMES: readonly string[] = [
  "DJANGO_SETTINGS_MODULE",
  "DJANGO_SUPERUSER_USERNAME",
  "DJANGO_SUPERUSER_EMAIL",
  "DJANGO_SUPERUSER_PASSWORD",
  "APP_ENV",
];

/** Names a compose `.env` often holds that this stack does not read, and what to use instead. */
export const REPLACED_NAMES: Readonly<Record<string, string>> = {
  POSTGRES_USER: "DATABASE_USERNAME",
  POSTGRES_PASSWORD: "DATABASE_PASSWORD",
  POSTGRES_PASSWORD_FILE: "DATABASE_PASSWORD_FILE",
  POSTGRES_DB: "DATABASE_NAME",
  DATABASE_URL: "DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USERNAME and DATABASE_PASSWORD",
};

/** Prefixes whose unknown names are probably typos of ours. */
export const OWN_PREFIXES: readonly string[] = [
  "DJANGO_",
  "DATABASE_",
  "POSTGRES_",
  "APP_",
  "GUNICORN_",
  "TF_S3_",
  "TF_PG_",
];

export function settingNamed(name: string): SettingSpec {
  const spec = SETTINGS.find((s) => s.name === name);
  if (!spec) throw new Error(`internal: unknown setting ${name}`);
  return spec;
}
