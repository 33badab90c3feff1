import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { DataDockerNetwork } from "@cdktf/provider-docker/lib/data-docker-network";
import { BackendConfig } from "../config/types";
import { DjangoImage, SwarmDjangoService, SwarmSecrets, addPolicyChecks } from "../constructs";
import { fromStackDir } from "./django-stack";
import { appImage } from "./release-stack";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";
import { SWARM_SECRET_IDS, SwarmStack } from "./swarm-stack";

export interface SwarmReleaseStackProps {
  /** The environment's long-lived stack on the swarm (deployed first). */
  readonly environment: SwarmStack;
  /** Where the state lives. @default { type: "local" } */
  readonly backend?: BackendConfig;
  /** Absolute path of the project (the directory of cdktf.json). */
  readonly projectRoot: string;
  /** cdktf's output directory, relative to the project. @default "cdktf.out" */
  readonly outdir?: string;
  /** The Django project, relative to the project root or absolute. @default the configured DJANGO_PROJECT_DIR */
  readonly djangoAppDir?: string;
  /** Override the build context's content hash. @default computed from the files sent to the build */
  readonly sourceHash?: string;
}

/**
 * One environment's releases on a Docker Swarm: the Django image (built as on the engine), the
 * release's migrations, then a rolling update of the app service. It refers to the environment's
 * networks by name (and looks their ids up), so nothing here can replace anything there.
 */
export class SwarmReleaseStack extends TerraformStack {
  readonly image: DjangoImage;
  readonly service: SwarmDjangoService;
  readonly swarmSecrets: SwarmSecrets;

  constructor(scope: Construct, id: string, props: SwarmReleaseStackProps) {
    super(scope, id);
    const env = props.environment;
    const { config, swarm } = env;
    const outdir = props.outdir ?? "cdktf.out";
    const fromStack = (target: string) => fromStackDir(props.projectRoot, outdir, id, target);
    const appDir = props.djangoAppDir ?? config.project.dir;
    const absAppDir = path.resolve(props.projectRoot, appDir);
    const prefix = config.namePrefix;
    this.addDependency(env);

    addStateBackend(this, props.backend ?? { type: "local" }, id, fromStack(`terraform.${id}.tfstate`));
    addDockerProvider(this);

    this.image = appImage(this, config, absAppDir, fromStack, props.sourceHash);

    const files = env.secretFiles;
    this.swarmSecrets = new SwarmSecrets(this, "SwarmSecrets", {
      namePrefix: prefix,
      files: [files.secretKey, files.appPassword, ...Object.values(files.appVariables)],
      idDir: fromStack(`${outdir}/${SWARM_SECRET_IDS}`),
    });
    // services join networks by id; the environment's stack owns them
    const network = (nid: string, name: string) => ({
      name,
      id: new DataDockerNetwork(this, nid, { name }).id,
    });
    this.service = new SwarmDjangoService(this, "App", {
      namePrefix: prefix,
      image: this.image,
      database: env.database.connection,
      networks: {
        frontend: network("FrontendNetwork", env.network.names.frontend),
        backend: network("BackendNetwork", env.network.names.backend),
      },
      secrets: this.swarmSecrets,
      secretKey: files.secretKey,
      migrateVolume: env.secrets.ref.migrateVolumeName,
      settings: config.app,
      replicas: swarm.replicas,
      memoryMb: config.app.memoryMb,
      cpus: config.app.cpus,
      healthTimeoutSeconds: config.app.healthTimeout,
      migrateTimeoutSeconds: config.app.migrateTimeout,
      proxied: config.proxy.enabled,
      runtime: config.app.custom,
      settingsModule: config.app.settingsModule,
      environment: config.app.variables.plain,
      secretEnvironment: files.appVariables,
    });

    const out = (oid: string, value: string, description: string) =>
      new TerraformOutput(this, oid, { value, description });
    const svc = this.service.serviceName;
    out("app_url", config.app.url, "The app, through the proxy");
    out("name_prefix", prefix, "What the environment's services, networks and volumes are named after");
    out("admin_url", `${config.app.url}admin/`, "Django admin");
    out("release", this.service.release, "The running release (a digest of its image and settings)");
    out("web_service", svc, "The app's service");
    out("replicas", String(swarm.replicas), "Tasks of the app");
    out("image", this.image.name, "The app image of the running release");
    out("releases_kept", String(config.app.releasesKept), "Releases whose images are kept on the host");
    out(
      "release_history",
      `${prefix}-web`,
      "Repository whose served-<time> tags record the releases that served",
    );
    out(
      "create_superuser",
      `npm run manage -- ${config.environment} createsuperuser`,
      "Creates the first admin user",
    );
    out("logs", `docker service logs --tail 100 -f ${svc}`, "Follows the app's logs (every task)");
    out(
      "swarm_secrets",
      this.swarmSecrets.manifest,
      "The Swarm secrets the deploy creates for this stack (names and file paths, no values)",
    );
    addPolicyChecks(Aspects.of(this));
  }
}
