import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { EnvironmentSecrets, StoredSecret } from "../config/secret-store";
import { BackendConfig, StackConfig } from "../config/types";
import {
  AppNetwork,
  CaddyImageContract,
  CaddyProxy,
  MediaVolume,
  PostgresDatabase,
  RemovedBlocks,
  SecretFile,
  Secrets,
  addPolicyChecks,
} from "../constructs";
import { entryNames, environmentProxy } from "./entry-names";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";

export interface DjangoStackProps {
  readonly config: StackConfig;
  readonly secrets: EnvironmentSecrets;
  /** Where the state lives. @default { type: "local" } */
  readonly backend?: BackendConfig;
  /** Absolute path of the project (the directory of cdktf.json). */
  readonly projectRoot: string;
  /** cdktf's output directory, relative to the project. @default "cdktf.out" */
  readonly outdir?: string;
}

/**
 * One environment's long-lived part: networks, secrets, PostgreSQL and the proxy, composed from a
 * `StackConfig`. Releases of the app live in a stack of their own (`ReleaseStack`, deployed after
 * this one), so that their create-before-destroy replacements never reach the database, whose
 * replacement must always stop the old server first. The construct ids and the Docker names below
 * are Terraform addresses and data locations of deployed stacks: keep them.
 */
export class DjangoStack extends TerraformStack {
  readonly config: StackConfig;
  readonly network: AppNetwork;
  readonly secrets: Secrets;
  readonly database: PostgresDatabase;
  readonly proxy?: CaddyProxy;
  /** The app's uploads, when DJANGO_MEDIA_URL is on. */
  readonly media?: MediaVolume;
  /** The secret files as the library sees them (paths relative to this stack's directory). */
  readonly secretFiles: EnvironmentSecretFiles;

  constructor(scope: Construct, id: string, props: DjangoStackProps) {
    super(scope, id);
    const { config } = props;
    this.config = config;
    const outdir = props.outdir ?? "cdktf.out";
    const fromStack = (target: string) => fromStackDir(props.projectRoot, outdir, id, target);
    const prefix = config.namePrefix;

    addStateBackend(this, props.backend ?? { type: "local" }, id, fromStack(`terraform.${id}.tfstate`));
    addDockerProvider(this);

    this.secretFiles = secretFilesOf(props.secrets, fromStack);
    const { secretKey, password, appPassword, tls, appVariables } = this.secretFiles;
    const projectSecrets = Object.values(appVariables);

    this.network = new AppNetwork(this, "Network", { namePrefix: prefix });
    this.secrets = new Secrets(this, "Secrets", {
      name: `${prefix}-secrets`,
      toolImage: config.database.image,
      // each reader its own: the serving app never holds the owner's password
      appFiles: [secretKey, appPassword, ...projectSecrets],
      migrateFiles: [secretKey, password, ...projectSecrets],
      databaseFiles: [password, appPassword],
      proxyFiles: tls,
    });
    this.database = new PostgresDatabase(this, "Database", {
      ...databaseSettingsOf(config),
      network: this.network.backend,
      secrets: this.secrets,
      password,
      appPassword,
      deleteDataOnDestroy: config.database.deleteDataOnDestroy,
    });
    // Until the secrets volume was split per reader, one volume held them all. The release stack's
    // running app still mounts it when this stack is deployed, so it is forgotten, not destroyed
    // (the CLI removes it once no container uses it).
    RemovedBlocks.of(this).forget("docker_volume.Secrets_Volume_5F7960EB");
    // the first release managed the opted-in data volume at this fixed address
    const legacyVolume = "docker_volume.data_volume";
    if (this.database.dataVolume) this.database.dataVolume.moveFromId(legacyVolume);
    else RemovedBlocks.of(this).forget(legacyVolume);

    if (config.app.mediaUrl) {
      // kept on destroy like the database's data, unless the user opted in to deleting both
      this.media = new MediaVolume(this, "Media", {
        name: `${prefix}-media`,
        toolImage: config.database.image,
        deleteOnDestroy: config.database.deleteDataOnDestroy,
      });
    } else {
      // media turned off after being managed: the volume is forgotten, never destroyed
      RemovedBlocks.of(this).forget("docker_volume.Media_volume");
    }

    if (config.proxy.enabled) {
      // behind the shared entry point: nothing published; the entry reaches it on its network by name
      const shared = config.proxy.entryPoint === "shared";
      this.proxy = new CaddyProxy(this, "Proxy", {
        name: environmentProxy(prefix),
        network: this.network.frontend,
        networks: shared ? [entryNames(config.projectName).network] : undefined,
        image: config.proxy.image,
        bindAddress: config.app.bindAddress,
        httpPort: shared ? undefined : config.app.port,
        httpsPort: config.proxy.domain && !shared ? config.proxy.httpsPort : undefined,
        secrets: tls ? this.secrets : undefined,
        mediaVolume: this.media?.mountName,
      });
    }

    this.outputs(path.posix.dirname(props.secrets.djangoSecretKey.path));
    addPolicyChecks(Aspects.of(this));
  }

  private outputs(secretsDir: string): void {
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out(
      "name_prefix",
      this.config.namePrefix,
      "What the environment's containers, networks and volumes are named after",
    );
    out("database_container", this.database.container.name, "The PostgreSQL container");
    out("data_volume", this.database.dataVolumeName, "Named volume holding the PostgreSQL data");
    out("secrets_dir", secretsDir, "Where this stack's secret files are kept, relative to the project");
    if (this.media) out("media_volume", this.media.volumeName, "Named volume holding the app's uploads");
    if (this.proxy) {
      out("proxy_container", this.proxy.container.name, "The proxy (Caddy), the only published port");
      if (this.config.proxy.domain && this.config.proxy.tls.mode === "internal") {
        // shared: the entry point's CA signed the certificate
        const holder =
          this.config.proxy.entryPoint === "shared"
            ? entryNames(this.config.projectName).container
            : this.proxy.ref.name;
        out(
          "proxy_root_ca",
          `docker cp ${holder}:${CaddyImageContract.dataDirectory}/caddy/pki/authorities/local/root.crt ./root.crt`,
          "Exports the root certificate of the proxy's local CA, for clients to trust",
        );
      }
    }
  }
}

/**
 * A path as Terraform must see it: relative to the stack's working directory
 * `<project>/<outdir>/stacks/<stack>`, where terraform runs. Relative, so the synthesized JSON is
 * the same on every machine.
 */
/** The database's names and settings, the same on the engine and on a swarm. */
export function databaseSettingsOf(config: StackConfig) {
  const prefix = config.namePrefix;
  return {
    name: `${prefix}-db`,
    // the names of the first release: the data volume holds the deployed data
    dataVolumeName: `${prefix}-pgdata`,
    socketVolumeName: `${prefix}-pgsocket`,
    image: config.database.image,
    alias: config.database.host,
    port: config.database.port,
    databaseName: config.database.name,
    username: config.database.username,
    memoryMb: config.database.memoryMb,
    cpus: config.database.cpus,
  };
}

/** An environment's secret files, as the constructs take them. */
export interface EnvironmentSecretFiles {
  readonly secretKey: SecretFile;
  readonly password: SecretFile;
  readonly appPassword: SecretFile;
  readonly tls?: SecretFile[];
  /** The project's own secrets (APP_SECRET_<NAME>), by NAME. */
  readonly appVariables: Readonly<Record<string, SecretFile>>;
}

/** The stored secrets as the constructs take them, their paths relative to the stack's directory. */
export function secretFilesOf(
  secrets: EnvironmentSecrets,
  fromStack: (target: string) => string,
): EnvironmentSecretFiles {
  const secretFile = (stored: StoredSecret): SecretFile => ({
    name: stored.name,
    source: fromStack(stored.path),
    revision: stored.revision,
  });
  return {
    secretKey: secretFile(secrets.djangoSecretKey),
    password: secretFile(secrets.databasePassword),
    appPassword: secretFile(secrets.databaseAppPassword),
    tls:
      secrets.tlsCertificate && secrets.tlsKey
        ? [secretFile(secrets.tlsCertificate), secretFile(secrets.tlsKey)]
        : undefined,
    appVariables: Object.fromEntries(
      Object.entries(secrets.appVariables ?? {}).map(([name, stored]) => [name, secretFile(stored)]),
    ),
  };
}

export function fromStackDir(projectRoot: string, outdir: string, stackId: string, target: string): string {
  const stackDir = path.resolve(projectRoot, outdir, "stacks", stackId);
  return path.relative(stackDir, path.resolve(projectRoot, target)).split(path.sep).join("/");
}
