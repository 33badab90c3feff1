import { Container } from "@cdktf/provider-docker/lib/container";
import { ProxyRoute } from "../../constructs";
import { bareStack } from "../support/constructs";
import { synthJson, validationErrors } from "../support/stack";

const ref = { name: "t-proxy", image: "caddy:2.10", adminVolume: "t-proxy-admin", networkName: "t-frontend" };

describe("ProxyRoute", () => {
  function make(namePrefix = "t") {
    const stack = bareStack();
    const web = new Container(stack, "Web", { name: "t-web-1", image: "x:1" });
    const route = new ProxyRoute(stack, "Route", {
      namePrefix,
      proxy: ref,
      sites: [{ upstream: "t-web-1:8000", healthPath: "/healthz" }],
      revision: "r1",
      after: [web],
    });
    return { stack, route };
  }

  it("loads the configuration through the admin socket from a network-less one-shot, after the app, before the old one goes", () => {
    const { stack, route } = make();
    const json = synthJson(stack);
    const [one] = Object.values(
      json.resource.docker_container as Record<string, Record<string, unknown>>,
    ).filter((c) => String(c.name).startsWith("t-route-"));
    expect(one).toMatchObject({
      image: "caddy:2.10",
      network_mode: "none",
      read_only: true,
      must_run: false,
      attach: true,
      depends_on: ["docker_container.Web"],
      lifecycle: { create_before_destroy: true },
      volumes: [{ volume_name: "t-proxy-admin", container_path: "/run/caddy-admin", read_only: false }],
    });
    expect(String(one.name)).toMatch(/^t-route-r1-[0-9a-f]{8}$/);
    expect((one.command as string[])[0]).toContain(
      "caddy reload --adapter caddyfile --config /dev/stdin --address unix//run/caddy-admin/admin.sock",
    );
    expect(one.env).toContain(`CADDYFILE=${route.caddyfile}`);
  });

  it("fails the apply through a gate when the proxy refused the configuration", () => {
    const { stack } = make();
    const gate = Object.values(
      synthJson(stack).resource.terraform_data as Record<
        string,
        { lifecycle: { precondition: { condition: string; error_message: string }[] }; depends_on: string[] }
      >,
    )[0];
    expect(gate.lifecycle.precondition[0].condition).toMatch(
      /^\$\{docker_container\.Route_[0-9A-F]{8}\.exit_code == 0\}$/,
    );
    expect(gate.lifecycle.precondition[0].error_message).toMatch(
      /^Switching traffic failed: .*the previous release keeps serving/,
    );
    expect(gate.depends_on).toContain("docker_container.Web");
  });

  it("fails on a prefix that cannot name a container", () => {
    expect(validationErrors(make("T T").stack).join("\n")).toMatch(
      /t\/Route: namePrefix must be a Docker object name/,
    );
  });
});
