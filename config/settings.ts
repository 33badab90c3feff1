/**
 * Every setting a user can give, in one table: its scope, default, bounds and meaning. The
 * configuration reader takes defaults and bounds from here, the typo check knows the names, the
 * README table and the Django image's contract file are generated from it, and unit tests check
 * the construct defaults and the workflows against it, so none of them can drift.
 */

export type SettingScope =
  /** Read once for the whole app: from the process environment or `.env`. */
  | "global"
  /** Read per environment: process environment, then `.env.<environment>`, then `.env`. */
  | "stack";

export type SettingValue = string | number | boolean | readonly string[];

export interface SettingSpec {
  readonly name: string;
  readonly scope: SettingScope;
  /** The default the configuration uses; absent when there is none or it is computed (see `shown`). */
  readonly value?: SettingValue;
  /** How a computed default is shown to users, e.g. "generated". */
  readonly shown?: string;
  /** Bounds of a whole-number setting, inclusive. */
  readonly range?: readonly [number, number];
  readonly description: string;
  /** The value never appears in config output, messages or synthesized files. */
  readonly secret?: boolean;
  /** Read by the Django image's settings layer under this same name (see `config/django-contract.ts`). */
  readonly django?: boolean;
}

export const SETTINGS: readonly SettingSpec[] = [
  // --- the stack -------------------------------------------------------------------------------
  {
    name: "ENVIRONMENTS",
    scope: "global",
    value: ["dev", "prod"],
    description: "Comma list of environments; one stack each, deployable side by side on one Docker host.",
  },
  {
    name: "PROJECT_NAME",
    scope: "global",
    value: "django",
    description:
      "Prefix of every Docker object name (`<project>-<environment>-web`, ...). Lower case letters, digits, `-`.",
  },
  {
    name: "APP_BIND_ADDRESS",
    scope: "stack",
    value: "127.0.0.1",
    description: "Host address the app's port is published on. `0.0.0.0` publishes on every interface.",
  },
  {
    name: "APP_PORT",
    scope: "stack",
    shown: "8000 + position in ENVIRONMENTS",
    range: [1, 65535],
    description: "Host port of the app (dev 8000, prod 8001 with the default ENVIRONMENTS).",
  },
  {
    name: "APP_MEMORY_MB",
    scope: "stack",
    value: 512,
    range: [64, 65536],
    description: "Memory limit of the app container, in MiB. No swap.",
  },
  {
    name: "APP_CPUS",
    scope: "stack",
    value: "1",
    description:
      "CPU limit of the app container (and of each migration run), in CPUs: 0.01 to 256, e.g. 0.5.",
  },
  {
    name: "PYTHON_IMAGE",
    scope: "stack",
    value: "python:3.13-slim",
    description: "Base image of the Django image (build argument). Point it at a private registry or mirror.",
  },
  {
    name: "POSTGRES_IMAGE",
    scope: "stack",
    value: "postgres:17",
    description:
      "PostgreSQL image. Must carry a tag or digest; a new major version needs a data upgrade first.",
  },
  {
    name: "POSTGRES_MEMORY_MB",
    scope: "stack",
    value: 512,
    range: [64, 65536],
    description: "Memory limit of the database container, in MiB. No swap.",
  },
  {
    name: "POSTGRES_CPUS",
    scope: "stack",
    value: "1",
    description: "CPU limit of the database container, in CPUs: 0.01 to 256.",
  },
  {
    name: "DELETE_DATA_ON_DESTROY",
    scope: "stack",
    value: false,
    description:
      "Opt in to deleting the database volume on `destroy`. Off: the volume outlives every destroy and replacement.",
  },
  {
    name: "ENVIRONMENT_KIND",
    scope: "stack",
    shown: "production for prod and production, else development",
    description:
      "`production` or `development`. In production, DEBUG on, a weak, default or public secret key and empty allowed hosts are errors that stop synth; in development, warnings.",
  },
  {
    name: "PROXY",
    scope: "stack",
    value: true,
    description:
      "Caddy in front of the app as the only published port: releases switch traffic without dropping a request, and `DOMAIN` gets HTTPS. `false`: no proxy; the app answers on the `<project>-<env>-frontend` network as `<project>-<env>-app`, for a proxy of your own.",
  },
  {
    name: "PROXY_IMAGE",
    scope: "stack",
    value: "caddy:2.10",
    description: "Caddy 2 image of the proxy. Point it at a private registry or mirror.",
  },
  {
    name: "DOMAIN",
    scope: "stack",
    description:
      "Serve the app over HTTPS at this host name (HTTP redirects to it). It is added to the allowed hosts and CSRF origins, and the `DJANGO_SECURE_*` settings default to on.",
  },
  {
    name: "TLS_MODE",
    scope: "stack",
    value: "acme",
    description:
      "Certificates for `DOMAIN`: `acme` (automatic, e.g. Let's Encrypt: ports 80 and 443 must be reachable from the internet), `internal` (Caddy's own CA; export its root with the `proxy_root_ca` output) or `files` (`TLS_CERT_FILE` and `TLS_KEY_FILE`).",
  },
  {
    name: "ACME_EMAIL",
    scope: "stack",
    description: "Contact address given to the ACME CA (expiry notices).",
  },
  {
    name: "TLS_CERT_FILE",
    scope: "stack",
    description: "`TLS_MODE=files`: path of the certificate chain (PEM) on the machine running the deploy.",
  },
  {
    name: "TLS_KEY_FILE",
    scope: "stack",
    description: "`TLS_MODE=files`: path of the private key (PEM); handled like the other secret files.",
  },
  {
    name: "APP_HTTPS_PORT",
    scope: "stack",
    shown: "8443 + position in ENVIRONMENTS",
    range: [1, 65535],
    description:
      "Host port of HTTPS when `DOMAIN` is set (443 for a public site; `APP_PORT` is then its HTTP port, 80).",
  },
  {
    name: "ENTRY_POINT",
    scope: "stack",
    value: "own",
    description:
      "`own`: the environment's proxy publishes its own ports (`APP_PORT`, `APP_HTTPS_PORT`). `shared`: the project's shared entry point (one Caddy on `SHARED_HTTP_PORT`/`SHARED_HTTPS_PORT`, stack `entry`) serves it by host name, so `DOMAIN` is required and unique; TLS ends there (`TLS_MODE` acme or internal) and the environment publishes nothing. The entry point runs the `PROXY_IMAGE` of `.env` or the process environment.",
  },
  {
    name: "SHARED_BIND_ADDRESS",
    scope: "global",
    value: "127.0.0.1",
    description:
      "Host address the shared entry point publishes its ports on (`ENTRY_POINT=shared`). `0.0.0.0` for a public site.",
  },
  {
    name: "SHARED_HTTP_PORT",
    scope: "global",
    value: 80,
    range: [1, 65535],
    description: "Host port of the shared entry point's HTTP (redirects to HTTPS, and ACME's challenges).",
  },
  {
    name: "SHARED_HTTPS_PORT",
    scope: "global",
    value: 443,
    range: [1, 65535],
    description:
      "Host port of the shared entry point's HTTPS, for every environment with `ENTRY_POINT=shared`.",
  },
  {
    name: "APP_HEALTH_TIMEOUT",
    scope: "stack",
    value: 90,
    range: [10, 1800],
    description:
      "Seconds a new release may take to pass its readiness check before the deploy gives up on it (the previous release keeps serving).",
  },
  {
    name: "RELEASES_KEPT",
    scope: "stack",
    value: 3,
    range: [1, 50],
    description:
      "App images kept after a deploy (the running one included), so `npm run rollback` and redeploying an earlier commit need no build.",
  },
  {
    name: "APP_IMAGE",
    scope: "stack",
    description:
      "Deploy this existing image instead of building the project (an image built by CI, or an earlier release: `npm run rollback` uses it). Must carry a tag or digest.",
  },
  // --- Docker Swarm --------------------------------------------------------------------------------
  {
    name: "DEPLOY_TARGET",
    scope: "stack",
    value: "engine",
    description:
      "`engine`: containers on one Docker host. `swarm`: services on the Docker Swarm the engine is a manager of (the app replicated with rolling updates and automatic rollback, the proxy and PostgreSQL as services, secrets as Swarm secrets). Switching an environment's target needs a `destroy` first (the data volume is kept).",
  },
  {
    name: "APP_REPLICAS",
    scope: "stack",
    value: 2,
    range: [1, 100],
    description: "`DEPLOY_TARGET=swarm`: how many tasks of the app run behind the proxy.",
  },
  {
    name: "SWARM_PUBLISH_MODE",
    scope: "stack",
    value: "host",
    description:
      "`DEPLOY_TARGET=swarm`: how the proxy publishes its ports. `host`: one proxy on every node, each on the node's own ports (works everywhere). `ingress`: one proxy behind Swarm's routing mesh (needs IPVS in the kernel).",
  },
  {
    name: "SWARM_DATABASE_LABEL",
    scope: "stack",
    value: "django-cdktf.database",
    description:
      "`DEPLOY_TARGET=swarm`: PostgreSQL runs on the node with this label set to `true` (its data is a local volume there): `docker node update --label-add <label>=true <node>`. A single-node swarm gets the label at the first deploy.",
  },
  // --- the Django project --------------------------------------------------------------------------
  {
    name: "DJANGO_PROJECT_DIR",
    scope: "global",
    value: "django-app",
    description:
      "The Django project to deploy: the directory holding its `manage.py`, relative to this repository or absolute. Nothing in it needs editing (see Deploy your own Django project).",
  },
  {
    name: "DJANGO_SETTINGS_MODULE",
    scope: "stack",
    shown: "from manage.py",
    description:
      "The project's settings module, e.g. `mysite.settings.production`; unset, the one its `manage.py` names. The stack's settings are applied over it.",
  },
  {
    name: "DJANGO_DOCKERFILE",
    scope: "stack",
    value: "auto",
    description:
      "Which Dockerfile builds the app: `stack` (the stack's, around the project: settings overlay, dependencies found, health endpoints), `project` (the project's `Dockerfile`) or a path of one in the project. `auto`: the project's when it declares the stack's image contract (`LABEL django-cdktf.contract=1`, as django-app's does), else the stack's.",
  },
  {
    name: "DJANGO_BUILD_TARGET",
    scope: "stack",
    description:
      "The project's own Dockerfile: the build stage to build (`--target`), one of its `FROM ... AS <name>` (checked at synth, in any case). Unset: the last stage.",
  },
  {
    name: "DJANGO_SERVE_COMMAND",
    scope: "stack",
    description:
      'The project\'s own Dockerfile: the command that serves the app, as a JSON array (`["gunicorn", "mysite.wsgi"]`) or words separated by spaces. Unset: the image\'s own CMD.',
  },
  {
    name: "DJANGO_MIGRATE_COMMAND",
    scope: "stack",
    shown: "none with the project's own Dockerfile",
    description:
      "The project's own Dockerfile: the command that applies the migrations before each release, e.g. `python manage.py migrate --noinput`. Unset (or `none`): the stack runs no migrations.",
  },
  {
    name: "APP_CONTAINER_PORT",
    scope: "stack",
    value: 8000,
    range: [1, 65535],
    description: "The project's own Dockerfile: the port the app listens on inside its container.",
  },
  {
    name: "APP_HEALTH_PATH",
    scope: "stack",
    value: "/",
    description:
      "The project's own Dockerfile: the path probed for health, with a Host from DJANGO_ALLOWED_HOSTS; any answer below 500 counts as alive. (The stack's Dockerfile and django-app answer `/healthz` and `/readyz` themselves.)",
  },
  {
    name: "APP_MIGRATE_TIMEOUT",
    scope: "stack",
    value: 600,
    range: [10, 86400],
    description:
      "Seconds the migrations of a release may run before they are stopped and the deploy fails with their output (the previous release keeps serving).",
  },
  {
    name: "DJANGO_MEDIA_URL",
    scope: "stack",
    shown: "/media/ with the stack's Dockerfile, else off",
    description:
      "Where uploads (MEDIA_ROOT, the named volume `<project>-<env>-media`, kept on destroy like the database's) are served by the proxy, e.g. `/media/`. `off`: no media volume.",
  },
  {
    name: "APP_ENV_<NAME>",
    scope: "stack",
    description:
      "Passes the project's own variable NAME to the app, e.g. `APP_ENV_SENTRY_DSN=...` gives it SENTRY_DSN. Not for secrets: the value is in the Terraform state.",
  },
  {
    name: "APP_SECRET_<NAME>",
    scope: "stack",
    secret: true,
    description:
      "Passes the project's own secret NAME as a file (like DJANGO_SECRET_KEY): the app gets NAME_FILE, and with the stack's Dockerfile NAME itself, inside the container only. `APP_SECRET_<NAME>_FILE` reads the value from a file.",
  },
  {
    name: "SECRETS_DIR",
    scope: "global",
    value: ".secrets",
    description:
      "Directory (relative to the project) of the secret files, one sub-directory per environment. Never commit it.",
  },
  {
    name: "BACKUP_DIR",
    scope: "global",
    value: "backups",
    description:
      "Directory (relative to the project, or absolute) of `npm run backup`'s dumps, one sub-directory per environment. Never commit it.",
  },
  {
    name: "BACKUPS_KEPT",
    scope: "global",
    value: 7,
    range: [1, 1000],
    description: "Dumps kept per environment in BACKUP_DIR; older ones are removed after each backup.",
  },
  {
    name: "BACKUP_COPY_TO",
    scope: "global",
    description:
      "A local directory off the Docker host (a mounted share, a synced folder) where each backup is copied too; not a URL: sync the directory to a bucket.",
  },
  {
    name: "SECRETS_HASH_KEY",
    scope: "global",
    shown: "made once in SECRETS_DIR",
    secret: true,
    description:
      "Key of the secrets' revisions in the state (an HMAC, so the state cannot confirm a guessed password). Made once per install in SECRETS_DIR/.hash-key. In CI give it as a secret like the others (`openssl rand -hex 32`) that never changes: without it a run makes one and warns, and a runner that does not keep its checkout makes a new one each time (every deploy a new release, every plan the app replaced).",
  },
  {
    name: "TF_BACKEND",
    scope: "global",
    value: "local",
    description:
      "Where Terraform state lives: `local`, `s3` (any S3-compatible store), `pg` (PostgreSQL) or `http`.",
  },
  {
    name: "TF_STATE_PREFIX",
    scope: "global",
    shown: "PROJECT_NAME",
    description:
      "Name prefix of each stack's remote state (S3 key `<prefix>/<env>.tfstate`, pg schema `<prefix>_<env>`, http `<address>/<prefix>-<env>`).",
  },
  {
    name: "TF_S3_BUCKET",
    scope: "global",
    description:
      "`s3` backend: bucket. Credentials come from the usual AWS_* variables, never from this config.",
  },
  {
    name: "TF_S3_REGION",
    scope: "global",
    value: "us-east-1",
    description: "`s3` backend: region.",
  },
  {
    name: "TF_S3_ENDPOINT",
    scope: "global",
    description:
      "`s3` backend: endpoint URL of an S3-compatible store (MinIO, Ceph, R2, ...); empty for AWS.",
  },
  {
    name: "TF_HTTP_BASE_URL",
    scope: "global",
    description:
      "`http` backend: base URL; each stack uses `<base>/<prefix>-<env>`. Credentials: TF_HTTP_USERNAME / TF_HTTP_PASSWORD.",
  },
  {
    name: "TF_PG_SCHEMA_PREFIX",
    scope: "global",
    shown: "TF_STATE_PREFIX",
    description:
      "`pg` backend: schema prefix. The connection string comes from PG_CONN_STR, never from this config.",
  },
  // --- the seed's .env vocabulary, read by Django ------------------------------------------------
  {
    name: "DJANGO_SECRET_KEY",
    scope: "stack",
    shown: "generated",
    django: true,
    secret: true,
    description: "Django's secret key. Unset: generated once per environment and kept in SECRETS_DIR.",
  },
  {
    name: "DJANGO_SECRET_KEY_FILE",
    scope: "stack",
    django: true,
    description: "Path of a file holding DJANGO_SECRET_KEY (instead of the value).",
  },
  {
    name: "DEBUG",
    scope: "stack",
    value: false,
    django: true,
    description: "Django debug mode: true/false, 1/0, yes/no, on/off. Never on in production.",
  },
  {
    name: "DJANGO_LOGLEVEL",
    scope: "stack",
    value: "INFO",
    django: true,
    description: "Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.",
  },
  {
    name: "DJANGO_ALLOWED_HOSTS",
    scope: "stack",
    value: ["localhost", "127.0.0.1"],
    django: true,
    description: "Comma list of host names the app answers to.",
  },
  {
    name: "DJANGO_CSRF_TRUSTED_ORIGINS",
    scope: "stack",
    value: [],
    django: true,
    description: "Comma list of origins (`https://example.com`) trusted for unsafe requests.",
  },
  {
    name: "DJANGO_SECURE_PROXY_SSL_HEADER",
    scope: "stack",
    value: false,
    shown: "true behind the proxy",
    django: true,
    description: "Trust `X-Forwarded-Proto: https` from a TLS-terminating proxy in front.",
  },
  {
    name: "DJANGO_SECURE_SSL_REDIRECT",
    scope: "stack",
    value: false,
    shown: "false; true with DOMAIN",
    django: true,
    description: "Redirect plain HTTP to HTTPS (only behind HTTPS).",
  },
  {
    name: "DJANGO_SECURE_COOKIES",
    scope: "stack",
    value: false,
    shown: "false; true with DOMAIN",
    django: true,
    description: "Send session and CSRF cookies over HTTPS only.",
  },
  {
    name: "DJANGO_SECURE_HSTS_SECONDS",
    scope: "stack",
    value: 0,
    shown: "0; 3600 with DOMAIN",
    range: [0, 315360000],
    django: true,
    description: "HSTS max-age in seconds (0 turns HSTS off).",
  },
  {
    name: "DATABASE_ENGINE",
    scope: "stack",
    value: "postgresql",
    django: true,
    description:
      "`postgresql`; the seed's `postgresql_psycopg2` (removed in Django 3.0) is accepted and mapped.",
  },
  {
    name: "DATABASE_NAME",
    scope: "stack",
    value: "django",
    django: true,
    description: "Database name (created on first start).",
  },
  {
    name: "DATABASE_USERNAME",
    scope: "stack",
    value: "django",
    django: true,
    description: "Database user (created on first start, owns the database).",
  },
  {
    name: "DATABASE_PASSWORD",
    scope: "stack",
    shown: "generated",
    django: true,
    secret: true,
    description: "Database password. Unset: generated once per environment and kept in SECRETS_DIR.",
  },
  {
    name: "DATABASE_PASSWORD_FILE",
    scope: "stack",
    django: true,
    description: "Path of a file holding DATABASE_PASSWORD (instead of the value).",
  },
  {
    name: "DATABASE_HOST",
    scope: "stack",
    value: "db",
    django: true,
    description:
      "Name the app uses to reach the database: the database container's alias on the private network.",
  },
  {
    name: "DATABASE_PORT",
    scope: "stack",
    value: 5432,
    range: [1, 65535],
    django: true,
    description: "Port PostgreSQL listens on inside the private network (never published).",
  },
  {
    name: "GUNICORN_WORKERS",
    scope: "stack",
    value: 2,
    range: [1, 64],
    django: true,
    description: "Gunicorn worker processes.",
  },
  {
    name: "GUNICORN_THREADS",
    scope: "stack",
    value: 4,
    range: [1, 64],
    django: true,
    description: "Threads per gunicorn worker.",
  },
];

/** Names people set for other tools that share our prefixes; never warned about. */
export const FOREIGN_NAMES: readonly string[] = [
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

/**
 * Prefixes of the project's own variables (`APP_ENV_<NAME>`, `APP_SECRET_<NAME>`), passed to the app
 * under NAME (config/app-variables.ts): any name after them is valid, so never a typo.
 */
export const APP_VARIABLE_PREFIXES = { plain: "APP_ENV_", secret: "APP_SECRET_" } as const;

/** Whether a table entry describes a family of names (`APP_ENV_<NAME>`) rather than one setting. */
export function isNamePattern(spec: SettingSpec): boolean {
  return spec.name.includes("<");
}

/**
 * Whether a variable holds a secret, so that no message may show any part of its value: a setting
 * the table marks `secret` (DJANGO_SECRET_KEY, DATABASE_PASSWORD, ...) or a name of a secret family
 * (`APP_SECRET_<NAME>`, but not its `_FILE` form, which is a path), also as `NAME__<ENV>`.
 */
export function isSecretName(name: string): boolean {
  const base = name.replace(/__[A-Za-z0-9_]+$/, "");
  return SETTINGS.some((s) => {
    if (!s.secret) return false;
    if (!isNamePattern(s)) return s.name === base;
    const parts = s.name.split(/<[^>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${parts.join(".+")}$`).test(base) && !base.endsWith("_FILE");
  });
}

/** Prefixes whose unknown names are probably typos of ours. */
export const OWN_PREFIXES: readonly string[] = [
  "DJANGO_",
  "DATABASE_",
  "POSTGRES_",
  "APP_",
  "GUNICORN_",
  "TF_S3_",
  "TF_PG_",
  "SWARM_",
];

export function settingNamed(name: string): SettingSpec {
  const spec = SETTINGS.find((s) => s.name === name);
  if (!spec) throw new Error(`internal: unknown setting ${name}`);
  return spec;
}

/** The default of a setting, as the README and messages show it; "" when there is none. */
export function shownDefault(spec: SettingSpec): string {
  return spec.shown ?? valueText(spec) ?? "";
}

/** The typed default as a variable's text (lists comma-joined), or undefined when there is none. */
export function valueText(spec: SettingSpec): string | undefined {
  if (spec.value === undefined) return undefined;
  return Array.isArray(spec.value) ? spec.value.join(",") : String(spec.value);
}

/** The typed default of a setting that has one (a programming error otherwise). */
export function defaultOf<T extends SettingValue>(
  name: string,
  type: "string" | "number" | "boolean" | "list",
): T {
  const value = settingNamed(name).value;
  const actual = Array.isArray(value) ? "list" : typeof value;
  if (actual !== type) throw new Error(`internal: setting ${name} has no ${type} default`);
  return value as T;
}

/** The inclusive bounds of a whole-number setting. */
export function rangeOf(name: string): readonly [number, number] {
  const range = settingNamed(name).range;
  if (!range) throw new Error(`internal: setting ${name} has no range`);
  return range;
}
