import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { AppNetwork } from "./app-network";
import { addPolicyChecks } from "./aspects";
import { fromStackDir } from "./common";
import { BackendConfig, StackConfig } from "./config";
import { DjangoImage } from "./django-image";
import { DjangoService } from "./django-service";
import { PostgresDatabase } from "./postgres-database";
import { Secrets } from "./secrets";
import { SecretFile, StackSecrets } from "./secret-store";
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
 * the policy checks applied. The construct ids below are Terraform addresses: keep them.
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
    const common = { namePrefix: config.namePrefix, stackName: id };

    addStateBackend(this, props.backend ?? { type: "local" }, config.environment, fromStack(`terraform.${id}.tfstate`));
    // host unset: DOCKER_HOST (or the local socket) at apply time, never written into the config
    new DockerProvider(this, "docker", {});

    this.network = new AppNetwork(this, "Network", common);
    this.secrets = new Secrets(this, "Secrets", {
      ...common,
      toolImage: config.database.image,
      appSecrets: [props.secrets.djangoSecretKey, props.secrets.databasePassword],
      dbSecrets: [props.secrets.databasePassword],
      sourcePath: (f: SecretFile) => fromStack(f.path),
    });
    this.database = new PostgresDatabase(this, "Database", {
      ...common,
      network: this.network.backend,
      secrets: this.secrets,
      image: config.database.image,
      alias: config.database.host,
      port: config.database.port,
      databaseName: config.database.name,
      username: config.database.username,
      passwordFileName: props.secrets.databasePassword.name,
      memoryMb: config.database.memoryMb,
      deleteDataOnDestroy: config.database.deleteDataOnDestroy,
    });
    this.image = new DjangoImage(this, "AppImage", {
      ...common,
      contextDir: path.resolve(props.projectRoot, appDir),
      contextPath: fromStack(appDir),
      baseImage: config.app.baseImage,
      sourceHash: props.sourceHash,
    });
    this.service = new DjangoService(this, "App", {
      ...common,
      image: this.image,
      database: this.database,
      network: this.network,
      secrets: this.secrets,
      settings: config.app,
      bindAddress: config.app.bindAddress,
      port: config.app.port,
      memoryMb: config.app.memoryMb,
      secretKeyFileName: props.secrets.djangoSecretKey.name,
      databasePasswordFileName: props.secrets.databasePassword.name,
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

