import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { EnvironmentSecrets } from "../config/secret-store";
import { BackendConfig, StackConfig, SwarmSettings } from "../config/types";
import {
  AppNetwork,
  CaddyImageContract,
  CaddySite,
  DjangoImageContract,
  Secrets,
  SwarmDatabase,
  SwarmProxy,
  SwarmSecrets,
  addPolicyChecks,
} from "../constructs";
import { EnvironmentSecretFiles, databaseSettingsOf, fromStackDir, secretFilesOf } from "./django-stack";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";

/** Where the deploy writes the ids of the Swarm secrets it created, under the output folder. */
export const SWARM_SECRET_IDS = "swarm-secrets";

export interface SwarmStackProps {
  /** An environment with DEPLOY_TARGET=swarm (`config.swarm` set). */
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
 * One environment's long-lived part on a Docker Swarm (DEPLOY_TARGET=swarm): overlay networks,
 * PostgreSQL as one replica on its labelled node, the proxy as a service, the secrets as Swarm
 * secrets (created by the deploy, see `SwarmSecrets`). The same stack id as `DjangoStack` (`<env>`)
 * and the same Docker names where they mean the same (the data volume `<project>-<env>-pgdata`);
 * the releases are `SwarmReleaseStack` (`<env>-app`).
 */
export class SwarmStack extends TerraformStack {
  readonly config: StackConfig;
  readonly swarm: SwarmSettings;
  readonly network: AppNetwork;
  /** The migrations' secret files, in a volume on the node Terraform talks to. */
  readonly secrets: Secrets;
  readonly swarmSecrets: SwarmSecrets;
  readonly database: SwarmDatabase;
  readonly proxy?: SwarmProxy;
  readonly secretFiles: EnvironmentSecretFiles;
  /** The app service's name and port, as the proxy reaches it. */
  readonly upstream: string;

  constructor(scope: Construct, id: string, props: SwarmStackProps) {
    super(scope, id);
    const { config } = props;
    if (!config.swarm) throw new Error(`${id}: SwarmStack needs an environment with DEPLOY_TARGET=swarm`);
    this.config = config;
    this.swarm = config.swarm;
    const outdir = props.outdir ?? "cdktf.out";
    const fromStack = (target: string) => fromStackDir(props.projectRoot, outdir, id, target);
    const prefix = config.namePrefix;

    addStateBackend(this, props.backend ?? { type: "local" }, id, fromStack(`terraform.${id}.tfstate`));
    addDockerProvider(this);

    this.secretFiles = secretFilesOf(props.secrets, fromStack);
    const { secretKey, password, appPassword, tls, appVariables } = this.secretFiles;

    this.network = new AppNetwork(this, "Network", { namePrefix: prefix, driver: "overlay" });
    // migrations run in a one-shot container beside Terraform, which cannot mount Swarm secrets
    this.secrets = new Secrets(this, "Secrets", {
      name: `${prefix}-secrets`,
      toolImage: config.database.image,
      migrateFiles: [secretKey, password, ...Object.values(appVariables)],
    });
    this.swarmSecrets = new SwarmSecrets(this, "SwarmSecrets", {
      namePrefix: prefix,
      files: [password, appPassword, ...(tls ?? [])],
      idDir: fromStack(`${outdir}/${SWARM_SECRET_IDS}`),
    });
    this.database = new SwarmDatabase(this, "Database", {
      ...databaseSettingsOf(config),
      network: this.network.backend,
      secrets: this.swarmSecrets,
      password,
      appPassword,
      nodeLabel: this.swarm.databaseLabel,
    });

    this.upstream = `${prefix}-web:${config.app.custom?.port ?? DjangoImageContract.port}`;
    if (config.proxy.enabled) {
      const t = config.proxy.tls;
      const [certFile, keyFile] = tls ?? [];
      const site: CaddySite = {
        upstream: this.upstream,
        ...(config.proxy.domain
          ? {
              domain: config.proxy.domain,
              tls:
                t.mode === "files" && certFile && keyFile
                  ? {
                      mode: "files",
                      certFile: this.swarmSecrets.path(certFile, "proxy"),
                      keyFile: this.swarmSecrets.path(keyFile, "proxy"),
                    }
                  : t.mode === "internal"
                    ? { mode: "internal" }
                    : { mode: "acme", email: t.mode === "acme" ? t.email : undefined },
            }
          : {}),
      };
      this.proxy = new SwarmProxy(this, "Proxy", {
        name: `${prefix}-proxy`,
        network: this.network.frontend,
        site,
        image: config.proxy.image,
        httpPort: config.app.port,
        httpsPort: config.proxy.domain ? config.proxy.httpsPort : undefined,
        publishMode: this.swarm.publishMode,
        secrets: tls ? this.swarmSecrets : undefined,
        tlsFiles: tls,
      });
    }

    this.outputs(path.posix.dirname(props.secrets.djangoSecretKey.path));
    addPolicyChecks(Aspects.of(this));
  }

  private outputs(secretsDir: string): void {
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out("deploy_target", "swarm", "Where the environment runs: services on a Docker Swarm");
    out(
      "name_prefix",
      this.config.namePrefix,
      "What the environment's services, networks and volumes are named after",
    );
    out("database_service", this.database.service.name, "The PostgreSQL service (one replica)");
    out("database_placement", this.database.constraint, "The node PostgreSQL and its data volume are on");
    out(
      "data_volume",
      this.database.dataVolumeName,
      "Named volume holding the PostgreSQL data, on that node",
    );
    out("secrets_dir", secretsDir, "Where this stack's secret files are kept, relative to the project");
    out(
      "swarm_secrets",
      this.swarmSecrets.manifest,
      "The Swarm secrets the deploy creates for this stack (names and file paths, no values)",
    );
    if (this.proxy) {
      out("proxy_service", this.proxy.service.name, "The proxy (Caddy), the only published port");
      if (this.config.proxy.domain && this.config.proxy.tls.mode === "internal") {
        out(
          "proxy_root_ca",
          `docker cp $(docker ps -q -f label=com.docker.swarm.service.name=${this.proxy.service.name} | head -n1):${CaddyImageContract.dataDirectory}/caddy/pki/authorities/local/root.crt ./root.crt`,
          "Exports the root certificate of the proxy's local CA on this node, for clients to trust",
        );
      }
    }
  }
}
