/**
 * The contracts between the library and the images it runs, in one place.
 *
 * The Django image's settings layer reads exactly the `DjangoEnv` names (config/settings.ts is the
 * user-facing table; a unit test keeps the two in step, and the image's contract file is generated
 * from them); its Dockerfile bakes in the paths, the uid and the entrypoint commands. The postgres
 * facts are the official image's.
 */

/** Environment variables of the seed's `.env`, read by Django. */
export const DjangoEnv = {
  SECRET_KEY: "DJANGO_SECRET_KEY",
  DEBUG: "DEBUG",
  LOGLEVEL: "DJANGO_LOGLEVEL",
  ALLOWED_HOSTS: "DJANGO_ALLOWED_HOSTS",
  CSRF_TRUSTED_ORIGINS: "DJANGO_CSRF_TRUSTED_ORIGINS",
  SECURE_PROXY_SSL_HEADER: "DJANGO_SECURE_PROXY_SSL_HEADER",
  SECURE_SSL_REDIRECT: "DJANGO_SECURE_SSL_REDIRECT",
  SECURE_COOKIES: "DJANGO_SECURE_COOKIES",
  SECURE_HSTS_SECONDS: "DJANGO_SECURE_HSTS_SECONDS",
  DATABASE_ENGINE: "DATABASE_ENGINE",
  DATABASE_NAME: "DATABASE_NAME",
  DATABASE_USERNAME: "DATABASE_USERNAME",
  DATABASE_PASSWORD: "DATABASE_PASSWORD",
  DATABASE_HOST: "DATABASE_HOST",
  DATABASE_PORT: "DATABASE_PORT",
  GUNICORN_WORKERS: "GUNICORN_WORKERS",
  GUNICORN_THREADS: "GUNICORN_THREADS",
  GUNICORN_TIMEOUT: "GUNICORN_TIMEOUT",
  GUNICORN_GRACEFUL_TIMEOUT: "GUNICORN_GRACEFUL_TIMEOUT",
} as const;

/** The `*_FILE` variant of a secret variable: Django reads the value from that file. */
export function fileVariant(name: string): string {
  return `${name}_FILE`;
}

/** Facts baked into django-app/Dockerfile. */
export const DjangoImageContract = {
  /** Build argument that chooses the Python base image. */
  baseImageBuildArg: "PYTHON_IMAGE",
  /** Port gunicorn listens on inside the container. */
  port: 8000,
  /** The non-root user the image runs as (uid:gid). */
  uid: 10001,
  gid: 10001,
  /** Paths that must stay writable when the root filesystem is read-only. */
  writablePaths: ["/tmp"],
  /** Entrypoint commands (the image's ENTRYPOINT takes these as its first argument). */
  commands: {
    serve: ["serve"],
    migrate: ["migrate"],
    healthcheckLive: ["healthcheck", "live"],
    healthcheckReady: ["healthcheck", "ready"],
  },
  /** Liveness (no database) and readiness (database reachable, migrations applied). */
  livenessPath: "/healthz",
  readinessPath: "/readyz",
  /** Seconds gunicorn waits for requests in flight after SIGTERM (GUNICORN_GRACEFUL_TIMEOUT default). */
  gracefulTimeoutSeconds: 20,
  /**
   * Seconds gunicorn keeps an idle connection open. Longer than the proxy keeps one to it
   * (`proxyKeepaliveSeconds`), so the proxy, not gunicorn, closes an idle connection: the proxy
   * never sends a request on a connection gunicorn is closing (a POST there would fail with 502).
   */
  keepaliveSeconds: 5,
  /** Seconds the proxy keeps an idle connection to the app open; shorter than `keepaliveSeconds`. */
  proxyKeepaliveSeconds: 3,
  /** Seconds the `migrate` command may run before it stops the migrations and exits 124. */
  migrateTimeoutVariable: "MIGRATE_TIMEOUT_SECONDS",
  /** The label a Dockerfile declares to say it keeps this contract (django-app's and the stack's do). */
  label: "django-cdktf.contract",
} as const;

/**
 * Facts of the image the stack builds around a project it did not write
 * (constructs/project-image/Dockerfile). It keeps `DjangoImageContract` as well.
 */
export const ProjectImageContract = {
  /** Build argument (and variable) naming the project's settings module, which the overlay imports. */
  projectSettingsVariable: "DJANGO_CDKTF_PROJECT_SETTINGS",
  /** The project's own secret variables, comma-separated: each NAME is read from NAME_FILE in-process. */
  secretVariablesVariable: "DJANGO_CDKTF_SECRET_ENV",
  /** Collected at build; served by the app (WhiteNoise). */
  staticRoot: "/srv/static",
} as const;

/** Where uploads live in the app's containers: the media volume, and the variables that say so. */
export const MediaContract = {
  /** Mount point of the media volume (owned by the app's user). */
  root: "/srv/media",
  rootVariable: "DJANGO_MEDIA_ROOT",
  urlVariable: "DJANGO_MEDIA_URL",
} as const;

/** Facts of the official postgres image (and of the stand-in, which keeps its contract). */
export const PostgresImageContract = {
  port: 5432,
  uid: 999,
  gid: 999,
  dataDirectory: "/var/lib/postgresql/data",
  env: {
    user: "POSTGRES_USER",
    db: "POSTGRES_DB",
    passwordFile: "POSTGRES_PASSWORD_FILE",
  },
} as const;

/** Where secret files are mounted inside the containers (a volume, read-only for the services). */
export const SecretsMount = {
  containerPath: "/run/secrets",
  /** Files readable only by the Django user. */
  appDir: "/run/secrets/app",
  /** Files readable only by the postgres user. */
  dbDir: "/run/secrets/db",
  /** Files readable only by the proxy (root in the official image): TLS certificate and key. */
  proxyDir: "/run/secrets/proxy",
} as const;

/** Facts of the official caddy image (and of the stand-in, which keeps its layout). */
export const CaddyImageContract = {
  /** Certificates, the local CA and ACME state. */
  dataDirectory: "/data",
  /** The last loaded configuration (`autosave.json`), which `caddy run --resume` starts from. */
  configDirectory: "/config",
  /** The admin API's unix socket lives here, on a volume the route one-shots mount. */
  adminDirectory: "/run/caddy-admin",
  adminSocket: "/run/caddy-admin/admin.sock",
  httpPort: 80,
  httpsPort: 443,
} as const;

/** The superuser that administers PostgreSQL; it can log in only over the server's unix socket. */
export const ADMIN_ROLE = "django_cdktf_admin";
/** What the owner of volumes of earlier releases is renamed to: it stays the superuser initdb made. */
export const BOOTSTRAP_ROLE = "django_cdktf_bootstrap";
