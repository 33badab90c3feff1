import { Construct, IConstruct } from "constructs";
import { Lazy, TerraformStack } from "cdktf";

const ID = "RemovedBlocks";

/**
 * Terraform `removed` blocks with `destroy = false`, collected per stack: a resource whose address
 * is listed and that is no longer in the configuration is forgotten, not destroyed. cdktf 0.21 has
 * no `removed` construct, and a plain stack override would let the last writer win, so every
 * construct that needs one registers its address here and the stack renders them all.
 */
export class RemovedBlocks extends Construct {
  /** The stack's collector, created on first use. */
  static of(scope: IConstruct): RemovedBlocks {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild(ID) as RemovedBlocks | undefined) ?? new RemovedBlocks(stack);
  }

  private readonly addresses: string[] = [];

  private constructor(stack: TerraformStack) {
    super(stack, ID);
    stack.addOverride(
      "removed",
      Lazy.anyValue({
        produce: () =>
          this.addresses.length > 0
            ? this.addresses.map((from) => ({ from, lifecycle: { destroy: false } }))
            : undefined,
      }),
    );
  }

  /** Forget `address` (e.g. `docker_volume.data`) if it is in the state but not in the configuration. */
  forget(address: string): void {
    if (!this.addresses.includes(address)) this.addresses.push(address);
  }
}
