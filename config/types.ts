/** The typed configuration the stacks are built from, and what the reader takes in. */
import type { AppVariables } from "./app-variables";
import type { Dependencies } from "./django-project";

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
  /** Files beside `.env` that look like an environment's file but are not read (`.env.Prod`). */
  readonly unreadFiles?: readonly string[];
  /**
   * The repository (the directory of `.env` and cdktf.json), against which DJANGO_PROJECT_DIR and
   * SECRETS_DIR resolve. @default this repository
   */
  readonly rootDir?: string;
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

/** How the app's image is built from the project (DJANGO_DOCKERFILE). */
export type ProjectBuild =
  /** The stack's Dockerfile around the project: settings overlay, dependencies, health endpoints. */
  | {
      readonly kind: "stack";
      /** The project's settings module the overlay imports. */
      readonly settingsModule: string;
      readonly dependencies: Dependencies;
    }
  /** A Dockerfile of the project's. */
  | {
      readonly kind: "project";
      /** Relative to the project (posix). */
      readonly dockerfile: string;
      /** It declares the stack's image contract (run like django-app), else it is run as it is. */
      readonly contract: boolean;
      readonly target?: string;
    };

/** The Django project the stack deploys (the same for every environment). */
export interface ProjectSettings {
  /** DJANGO_PROJECT_DIR as given. */
  readonly dir: string;
  readonly absDir: string;
  /** The project has a `.dockerignore`; without one the stack's deny-list applies. */
  readonly ignoreFile: boolean;
  /** The deny-list for a project without a `.dockerignore`, the stack's own directories included. */
  readonly defaultIgnore: readonly string[];
  /**
   * The stack's own files inside the project (its secrets, backups and, when the stack's root is
   * the project or inside it, `cdktf.out`, Terraform's state and `.env` files), as ignore patterns
   * relative to it: kept out of every build context whatever the project's `.dockerignore` says.
   */
  readonly stackIgnore: readonly string[];
}

/** How the stack runs an image that does not follow its image contract (the project's own Dockerfile). */
export interface CustomRuntime {
  readonly serveCommand?: readonly string[];
  readonly migrateCommand?: readonly string[];
  readonly port: number;
  readonly healthPath: string;
}

export interface AppSettings {
  /** How the image is built. */
  readonly build: ProjectBuild;
  /** Set when the image does not follow the stack's image contract. */
  readonly custom?: CustomRuntime;
  /** DJANGO_SETTINGS_MODULE when given (passed to the project's own image). */
  readonly settingsModule?: string;
  /** URL path of the media volume; undefined: no media volume. */
  readonly mediaUrl?: string;
  /** Seconds the migrations may run. */
  readonly migrateTimeout: number;
  /** The project's own variables (APP_ENV_*, APP_SECRET_*). */
  readonly variables: AppVariables;
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
  /** Seconds a new release may take to become ready. */
  readonly healthTimeout: number;
  readonly cpus: number;
  /** App images kept after a deploy. */
  readonly releasesKept: number;
  /** An existing image to deploy instead of building. */
  readonly image?: string;
  /** The URL the deploy prints: one that the app answers (a host the allowed hosts name). */
  readonly url: string;
}

/** How certificates are obtained for a domain. */
export type TlsSettings =
  | { readonly mode: "acme"; readonly email?: string }
  | { readonly mode: "internal" }
  | { readonly mode: "files"; readonly certFile: SecretInput; readonly keyFile: SecretInput };

export interface ProxySettings {
  readonly enabled: boolean;
  readonly image: string;
  /** HTTPS for this host name; plain HTTP when unset. */
  readonly domain?: string;
  readonly tls: TlsSettings;
  /** Host port of HTTPS (only with a domain): the shared entry point's with `entryPoint` shared. */
  readonly httpsPort: number;
  /** `own`: the proxy publishes the app's ports; `shared`: the project's entry point serves it. */
  readonly entryPoint: "own" | "shared";
}

/** An environment the shared entry point routes to, by its host name. */
export interface EntrySite {
  readonly environment: string;
  /** `<project>-<environment>`: its proxy is `<namePrefix>-proxy` on the entry's network. */
  readonly namePrefix: string;
  readonly domain: string;
  /** Certificates for the domain, obtained by the entry point (never `files`). */
  readonly tls: Exclude<TlsSettings, { readonly mode: "files" }>;
}

/** The project's shared entry point (stack `entry`): one proxy for every `ENTRY_POINT=shared` environment. */
export interface EntryConfig {
  readonly projectName: string;
  /** PROXY_IMAGE as `.env` or the process environment gives it. */
  readonly image: string;
  readonly bindAddress: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Every environment with ENTRY_POINT=shared, in ENVIRONMENTS order (empty when there is none). */
  readonly sites: readonly EntrySite[];
}

export interface DatabaseSettings {
  readonly image: string;
  readonly memoryMb: number;
  readonly cpus: number;
  readonly name: string;
  readonly username: string;
  readonly host: string;
  readonly port: number;
  readonly deleteDataOnDestroy: boolean;
}

/** DEPLOY_TARGET=swarm: the environment runs as services on a Docker Swarm. */
export interface SwarmSettings {
  /** Tasks of the app (APP_REPLICAS). */
  readonly replicas: number;
  /** How the proxy publishes its ports (SWARM_PUBLISH_MODE). */
  readonly publishMode: "host" | "ingress";
  /** The node label (set to `true`) that places PostgreSQL (SWARM_DATABASE_LABEL). */
  readonly databaseLabel: string;
}

export interface StackConfig {
  readonly environment: string;
  /** The Django project (DJANGO_PROJECT_DIR). */
  readonly project: ProjectSettings;
  /** Production refuses unsafe settings; development only warns. */
  readonly kind: "production" | "development";
  readonly projectName: string;
  /** `<project>-<environment>`: prefix of every Docker object of this stack. */
  readonly namePrefix: string;
  readonly app: AppSettings;
  readonly proxy: ProxySettings;
  readonly database: DatabaseSettings;
  readonly secrets: {
    readonly djangoSecretKey: SecretInput;
    readonly databasePassword: SecretInput;
  };
  /** Present when DEPLOY_TARGET=swarm; absent: containers on the Docker engine. */
  readonly swarm?: SwarmSettings;
}

export interface BackupSettings {
  readonly dir: string;
  readonly kept: number;
  readonly copyTo?: string;
}

export interface AppConfig {
  readonly projectName: string;
  readonly project: ProjectSettings;
  readonly secretsDir: string;
  readonly backups: BackupSettings;
  readonly backend: BackendConfig;
  readonly stacks: readonly StackConfig[];
  /** The shared entry point's settings and the environments that use it. */
  readonly entry: EntryConfig;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: AppConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };
