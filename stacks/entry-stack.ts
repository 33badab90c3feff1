import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { BackendConfig, EntryConfig } from "../config/types";
import { CaddyImageContract, EntryPoint, addPolicyChecks } from "../constructs";
import { fromStackDir } from "./django-stack";
import { entryNames, environmentProxy } from "./entry-names";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";

export interface EntryStackProps {
  readonly entry: EntryConfig;
  /** Where the state lives. @default { type: "local" } */
  readonly backend?: BackendConfig;
  /** Absolute path of the project (the directory of cdktf.json). */
  readonly projectRoot: string;
  /** cdktf's output directory, relative to the project. @default "cdktf.out" */
  readonly outdir?: string;
}

/**
 * The project's shared entry point, with its own state: one Caddy on SHARED_HTTP_PORT and
 * SHARED_HTTPS_PORT that routes each host name to its environment's proxy. It is deployed before
 * the environments it serves (their proxies join its network by name) and destroyed after the
 * last of them; an environment's own stacks refer to it by name only, so destroying an
 * environment never waits on it.
 */
export class EntryStack extends TerraformStack {
  readonly entryPoint: EntryPoint;

  constructor(scope: Construct, id: string, props: EntryStackProps) {
    super(scope, id);
    const { entry } = props;
    const outdir = props.outdir ?? "cdktf.out";
    addStateBackend(
      this,
      props.backend ?? { type: "local" },
      id,
      fromStackDir(props.projectRoot, outdir, id, `terraform.${id}.tfstate`),
    );
    addDockerProvider(this);
    const names = entryNames(entry.projectName);
    this.entryPoint = new EntryPoint(this, "Entry", {
      name: names.container,
      image: entry.image,
      bindAddress: entry.bindAddress,
      httpPort: entry.httpPort,
      httpsPort: entry.httpsPort,
      sites: entry.sites.map((s) => ({
        domain: s.domain,
        tls: s.tls.mode === "internal" ? { mode: "internal" } : { mode: "acme", email: s.tls.email },
        upstream: `${environmentProxy(s.namePrefix)}:${CaddyImageContract.httpPort}`,
      })),
    });

    const out = (oid: string, value: string, description: string) =>
      new TerraformOutput(this, oid, { value, description });
    out(
      "entry_container",
      names.container,
      "The shared entry point (Caddy) on SHARED_HTTP_PORT/SHARED_HTTPS_PORT",
    );
    out("entry_network", names.network, "The network the shared environments' proxies join");
    // read back by the CLI: which environments the deployed entry point routes
    out(
      "environments",
      entry.sites.map((s) => s.environment).join(","),
      "The environments it routes to, by host name",
    );
    out(
      "urls",
      entry.sites
        .map((s) => `https://${s.domain}${entry.httpsPort === 443 ? "" : `:${entry.httpsPort}`}/`)
        .join(" "),
      "The host names it serves",
    );
    if (entry.sites.some((s) => s.tls.mode === "internal")) {
      out(
        "entry_root_ca",
        `docker cp ${names.container}:${CaddyImageContract.dataDirectory}/caddy/pki/authorities/local/root.crt ./root.crt`,
        "Exports the root certificate of the entry point's local CA, for clients to trust",
      );
    }
    addPolicyChecks(Aspects.of(this));
  }
}
