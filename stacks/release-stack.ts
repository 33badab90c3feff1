import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { BackendConfig } from "../config/types";
import { DjangoImage, DjangoService, addPolicyChecks } from "../constructs";
import { DjangoStack, fromStackDir } from "./django-stack";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";

/** The suffix of a release stack's id: `<environment>-app`. */
export const RELEASE_STACK_SUFFIX = "-app";

export interface ReleaseStackProps {
  /** The environment's long-lived stack: networks, secrets, database, proxy (deployed first). */
  readonly environment: DjangoStack;
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
 * One environment's releases: the Django image, migrations, the app container and the proxy route,
 * all created before their predecessors are destroyed. It refers to the environment's networks,
 * secrets, database and proxy by name only, so nothing here can force a replacement there.
 */
export class ReleaseStack extends TerraformStack {
  readonly image: DjangoImage;
  readonly service: DjangoService;

  constructor(scope: Construct, id: string, props: ReleaseStackProps) {
    super(scope, id);
    const env = props.environment;
    const { config } = env;
    const outdir = props.outdir ?? "cdktf.out";
    const fromStack = (target: string) => fromStackDir(props.projectRoot, outdir, id, target);
    const appDir = props.djangoAppDir ?? "django-app";
    const prefix = config.namePrefix;
    this.addDependency(env);

    addStateBackend(this, props.backend ?? { type: "local" }, id, fromStack(`terraform.${id}.tfstate`));
    addDockerProvider(this);

    this.image = new DjangoImage(this, "AppImage", {
      repository: `${prefix}-web`,
      contextDir: path.resolve(props.projectRoot, appDir),
      contextPath: fromStack(appDir),
      baseImage: config.app.baseImage,
      sourceHash: props.sourceHash,
      prebuilt: config.app.image,
      buildLogFile: "build.log",
    });
    const tls = config.proxy.tls;
    const [certFile, keyFile] = env.secretFiles.tls ?? [];
    this.service = new DjangoService(this, "App", {
      namePrefix: prefix,
      image: this.image,
      database: env.database.connection,
      networks: env.network.names,
      secrets: env.secrets.ref,
      secretKey: env.secretFiles.secretKey,
      settings: config.app,
      memoryMb: config.app.memoryMb,
      cpus: config.app.cpus,
      healthTimeoutSeconds: config.app.healthTimeout,
      proxy: env.proxy
        ? {
            ref: env.proxy.ref,
            site: config.proxy.domain
              ? {
                  domain: config.proxy.domain,
                  tls:
                    tls.mode === "files" && certFile && keyFile
                      ? {
                          mode: "files",
                          certFile: env.secrets.proxyPath(certFile),
                          keyFile: env.secrets.proxyPath(keyFile),
                        }
                      : tls.mode === "internal"
                        ? { mode: "internal" }
                        : { mode: "acme", email: tls.mode === "acme" ? tls.email : undefined },
                }
              : undefined,
          }
        : undefined,
    });

    const out = (oid: string, value: string, description: string) =>
      new TerraformOutput(this, oid, { value, description });
    const web = this.service.web.name;
    out("app_url", config.app.url, "The app, through the proxy");
    out("admin_url", `${config.app.url}admin/`, "Django admin");
    out("release", this.service.release, "The running release (a digest of its image and settings)");
    out("web_container", web, "The app container of the running release");
    out("image", this.image.name, "The app image of the running release");
    out("releases_kept", String(config.app.releasesKept), "Releases whose images are kept on the host");
    out(
      "release_history",
      `${prefix}-web`,
      "Repository whose served-<time> tags record the releases that served",
    );
    out(
      "create_superuser",
      `docker exec -it ${web} docker-entrypoint manage createsuperuser`,
      "Creates the first admin user",
    );
    out("logs", `docker logs --tail 100 -f ${web}`, "Follows the app's logs");
    addPolicyChecks(Aspects.of(this));
  }
}
