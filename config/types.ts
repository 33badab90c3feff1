/** The typed configuration the stacks are built from, and what the reader takes in. */

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
  /** Host port of HTTPS (only with a domain). */
  readonly httpsPort: number;
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

export interface StackConfig {
  readonly environment: string;
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
}

export interface BackupSettings {
  readonly dir: string;
  readonly kept: number;
  readonly copyTo?: string;
}

export interface AppConfig {
  readonly projectName: string;
  readonly secretsDir: string;
  readonly backups: BackupSettings;
  readonly backend: BackendConfig;
  readonly stacks: readonly StackConfig[];
}

export type ConfigResult =
  | { readonly ok: true; readonly config: AppConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };
