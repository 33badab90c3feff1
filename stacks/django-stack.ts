import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { StackSecrets, StoredSecret } from "../config/secret-store";
import { BackendConfig, StackConfig } from "../config/types";
import {
  AppNetwork,
  DjangoImage,
  DjangoService,
  PostgresDatabase,
  RemovedBlocks,
  SecretFile,
  Secrets,
  addPolicyChecks,
} from "../constructs";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";

export interface DjangoStackProps {
  readonly config: StackConfig;
  readonly secrets: StackSecrets;
  /** Where the state lives. @default { type: "local" } */
  readonly backend?: BackendConfig;
  /** Absolute path of the project (the directory of cdktf.json). */
  readonly projectRoot: string;
  /** cdktf's output directory, relative to the project. @default "cdktf.out" */
  readonly outdir?: string;
  /** The Django build context, relative to the project. @default "django-app" */
  readonly djangoAppDir?: string;
  /** Override the build context's content hash. @default computed from the files sent to the build */
  readonly sourceHash?: string;
}

/**
 * One environment: network, secrets, PostgreSQL, the Django image, migrations and the app, with
 * the policy checks applied, composed from a `StackConfig`. The construct ids and the Docker names
 * below are Terraform addresses and data locations of deployed stacks: keep them.
 */
export class DjangoStack extends TerraformStack {
  readonly network: AppNetwork;
  readonly secrets: Secrets;
  readonly database: PostgresDatabase;
  readonly image: DjangoImage;
  readonly service: DjangoService;

  constructor(scope: Construct, id: string, props: DjangoStackProps) {
    super(scope, id);
    const { config } = props;
    const outdir = props.outdir ?? "cdktf.out";
    const fromStack = (target: string) => fromStackDir(props.projectRoot, outdir, id, target);
    const appDir = props.djangoAppDir ?? "django-app";
    const prefix = config.namePrefix;

    addStateBackend(
      this,
      props.backend ?? { type: "local" },
      config.environment,
      fromStack(`terraform.${id}.tfstate`),
    );
    addDockerProvider(this);

    const secretFile = (stored: StoredSecret): SecretFile => ({
      name: stored.name,
      source: fromStack(stored.path),
      revision: stored.revision,
    });
    const secretKey = secretFile(props.secrets.djangoSecretKey);
    const password = secretFile(props.secrets.databasePassword);

    this.network = new AppNetwork(this, "Network", { namePrefix: prefix });
    this.secrets = new Secrets(this, "Secrets", {
      name: `${prefix}-secrets`,
      toolImage: config.database.image,
      appFiles: [secretKey, password],
      databaseFiles: [password],
    });
    this.database = new PostgresDatabase(this, "Database", {
      name: `${prefix}-db`,
      // the names of the first release: the data volume holds the deployed data
      dataVolumeName: `${prefix}-pgdata`,
      socketVolumeName: `${prefix}-pgsocket`,
      network: this.network.backend,
      secrets: this.secrets,
      password,
      image: config.database.image,
      alias: config.database.host,
      port: config.database.port,
      databaseName: config.database.name,
      username: config.database.username,
      memoryMb: config.database.memoryMb,
      deleteDataOnDestroy: config.database.deleteDataOnDestroy,
    });
    // the first release managed the opted-in data volume at this fixed address
    const legacyVolume = "docker_volume.data_volume";
    if (this.database.dataVolume) this.database.dataVolume.moveFromId(legacyVolume);
    else RemovedBlocks.of(this).forget(legacyVolume);

    this.image = new DjangoImage(this, "AppImage", {
      repository: `${prefix}-web`,
      contextDir: path.resolve(props.projectRoot, appDir),
      contextPath: fromStack(appDir),
      baseImage: config.app.baseImage,
      sourceHash: props.sourceHash,
    });
    this.service = new DjangoService(this, "App", {
      namePrefix: prefix,
      image: this.image,
      database: this.database,
      network: this.network,
      secrets: this.secrets,
      secretKey,
      settings: config.app,
      bindAddress: config.app.bindAddress,
      port: config.app.port,
      memoryMb: config.app.memoryMb,
    });

    this.outputs(path.posix.dirname(props.secrets.djangoSecretKey.path));
    addPolicyChecks(Aspects.of(this));
  }

  private outputs(secretsDir: string): void {
    const web = this.service.web.name;
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out("app_url", this.service.url, "The app, published on the Docker host");
    out("admin_url", `${this.service.url}admin/`, "Django admin");
    out("readiness_url", `${this.service.url}readyz`, "200 when the database is reachable and migrated");
    out("web_container", web, "The app container");
    out("database_container", this.database.container.name, "The PostgreSQL container");
    out("data_volume", this.database.dataVolumeName, "Named volume holding the PostgreSQL data");
    out(
      "create_superuser",
      `docker exec -it ${web} docker-entrypoint manage createsuperuser`,
      "Creates the first admin user",
    );
    out("logs", `docker logs --tail 100 -f ${web}`, "Follows the app's logs");
    out("secrets_dir", secretsDir, "Where this stack's secret files are kept, relative to the project");
  }
}

/**
 * A path as Terraform must see it: relative to the stack's working directory
 * `<project>/<outdir>/stacks/<stack>`, where cdktf runs terraform. Relative, so the synthesized
 * JSON is the same on every machine.
 */
export function fromStackDir(projectRoot: string, outdir: string, stackId: string, target: string): string {
  const stackDir = path.resolve(projectRoot, outdir, "stacks", stackId);
  return path.relative(stackDir, path.resolve(projectRoot, target)).split(path.sep).join("/");
}
