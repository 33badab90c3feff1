import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AppNetwork } from "../../constructs/app-network";
import { CaddyProxy } from "../../constructs/caddy-proxy";
import { DjangoImage } from "../../constructs/django-image";
import { DjangoService } from "../../constructs/django-service";
import { EntryPoint } from "../../constructs/entry-point";
import { MediaVolume } from "../../constructs/media-volume";
import { PostgresDatabase } from "../../constructs/postgres-database";
import { ProxyRoute } from "../../constructs/proxy-route";
import { Secrets } from "../../constructs/secrets";
import { StagedContext } from "../../constructs/staged-context";
import { SwarmDatabase } from "../../constructs/swarm-database";
import { SwarmDjangoService } from "../../constructs/swarm-django-service";
import { SwarmProxy } from "../../constructs/swarm-proxy";
import { SwarmSecrets } from "../../constructs/swarm-secrets";
import { checkPropShapes } from "../../constructs/validation";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyConstruct = new (scope: Construct, id: string, props: any) => Construct;

const CONSTRUCTS: [string, AnyConstruct, string][] = [
  ["AppNetwork", AppNetwork, "namePrefix must be a string, got nothing"],
  ["PostgresDatabase", PostgresDatabase, "password must be an object, got nothing"],
  ["DjangoService", DjangoService, "secretKey must be an object, got nothing"],
  ["Secrets", Secrets, "toolImage must be a string, got nothing"],
  ["EntryPoint", EntryPoint, "name must be a string, got nothing"],
  ["MediaVolume", MediaVolume, "name must be a string, got nothing"],
  ["SwarmDatabase", SwarmDatabase, "network must be an object, got nothing"],
  ["SwarmProxy", SwarmProxy, "httpPort must be a number, got nothing"],
  ["SwarmSecrets", SwarmSecrets, "files must be an array, got nothing"],
  ["SwarmDjangoService", SwarmDjangoService, "networks.backend must be an object, got nothing"],
  ["StagedContext", StagedContext, "entries must be an array, got nothing"],
  ["ProxyRoute", ProxyRoute, "after must be an array, got nothing"],
  ["CaddyProxy", CaddyProxy, "network must be an object, got nothing"],
  ["DjangoImage", DjangoImage, "contextDir must be a string, got nothing"],
];

/** What constructing threw: its class and message. */
function thrown(build: () => unknown): { type: string; message: string } {
  try {
    build();
  } catch (e) {
    return { type: (e as Error).constructor.name, message: (e as Error).message };
  }
  return { type: "nothing", message: "" };
}

describe("props of the wrong shape", () => {
  it.each(CONSTRUCTS)(
    "%s: missing props are named, with the construct's path, not a TypeError",
    (name, Type, missing) => {
      const stack = new TerraformStack(Testing.app(), "s");
      for (const props of [{}, undefined]) {
        const e = thrown(() => new Type(stack, `X${props ? "a" : "b"}`, props));
        expect(e.type).toBe("Error");
        expect(e.message).toMatch(new RegExp(`^s/X[ab]: ${name}`));
        if (props) {
          expect(e.message).toContain(missing);
          expect(e.message).toContain(`(see ${name}Props)`);
        } else expect(e.message).toContain("needs its props (an object");
      }
    },
  );

  it("names each wrong kind, nested ones too, and what was given", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const e = thrown(() =>
      checkPropShapes(
        stack,
        "DjangoService",
        {
          namePrefix: "ok",
          networks: { frontend: 1 },
          settings: { allowedHosts: "a.example.com", debug: "no" },
        },
        { namePrefix: "string", "networks.frontend": "string" },
        { "settings.allowedHosts": "array", "settings.debug": "boolean", media: "object" },
      ),
    );
    expect(e.message).toBe(
      's: DjangoService: networks.frontend must be a string, got 1; settings.allowedHosts must be an array when given, got "a.example.com"; settings.debug must be true or false when given, got "no" (see DjangoServiceProps)',
    );
  });

  it("accepts the right shapes, Terraform references included", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() =>
      checkPropShapes(
        stack,
        "ProxyRoute",
        { namePrefix: "p", sites: [], revision: "${TfToken[TOKEN.1]}", after: [], proxy: {} },
        { namePrefix: "string", sites: "array", revision: "string", after: "array", proxy: "object" },
        { optional: "number" },
      ),
    ).not.toThrow();
  });

  it("refuses a Secrets appFiles that is no array and an EntryPoint's sites given as an object", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(
      thrown(() => new Secrets(stack, "S", { name: "n", toolImage: "i", appFiles: "x" } as never)).message,
    ).toContain('appFiles must be an array when given, got "x"');
    expect(
      thrown(() => new EntryPoint(stack, "E", { name: "e", sites: { a: 1 } } as never)).message,
    ).toContain("sites must be an array when given, got an object");
  });
});
