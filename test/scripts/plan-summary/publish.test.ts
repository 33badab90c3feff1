import { assembleComment, parseComment, region } from "../../../scripts/plan-summary/comment";
import { CommentApi, IssueComment, contains, publishComment } from "../../../scripts/plan-summary/publish";

const part = (env: string, text: string) =>
  assembleComment([
    region("verdict", env, `verdict of ${env}: ${text}`),
    region("summary", env, `summary of ${env}: ${text}`),
  ]);

/** A pull request's comments in memory; `before` runs before each write, as another job would. */
class FakePullRequest implements CommentApi {
  comments: IssueComment[] = [];
  private next = 1;
  async list() {
    return this.comments.map((c) => ({ ...c }));
  }
  async get(id: number) {
    return this.comments.find((c) => c.id === id);
  }
  async create(body: string) {
    const c = { id: this.next++, body, userType: "Bot", createdAt: `2025-01-01T00:00:0${this.next}Z` };
    this.comments.push(c);
    return c;
  }
  async update(id: number, body: string) {
    this.comments = this.comments.map((c) => (c.id === id ? { ...c, body } : c));
  }
  async remove(id: number) {
    this.comments = this.comments.filter((c) => c.id !== id);
  }
  add(body: string, userType = "Bot") {
    this.comments.push({ id: this.next++, body, userType, createdAt: `2025-01-01T00:00:0${this.next}Z` });
  }
}
const settle = async () => undefined;
const layout = (body: string) => parseComment(body).map((r) => `${r.kind} ${r.environment}`);

describe("publishComment", () => {
  it("creates the comment, then edits it in place", async () => {
    const pr = new FakePullRequest();
    pr.add("a human's comment", "User");
    await publishComment(pr, part("dev", "one"), { settle });
    const result = await publishComment(pr, part("dev", "two"), { settle });
    expect(pr.comments.filter((c) => c.userType === "Bot")).toHaveLength(1);
    expect(result.body).toContain("verdict of dev: two");
    expect(result.body).not.toContain("verdict of dev: one");
  });

  it("keeps the other job's environment", async () => {
    const pr = new FakePullRequest();
    await publishComment(pr, part("prod", "p"), { settle });
    const { body } = await publishComment(pr, part("dev", "d"), { settle });
    expect(layout(body)).toEqual(["verdict prod", "verdict dev", "summary prod", "summary dev"]);
  });

  it("tries again when another job overwrites the comment between its read and its write", async () => {
    const pr = new FakePullRequest();
    await publishComment(pr, part("dev", "d"), { settle });
    const before = pr.comments[0].body;
    let overwritten = false;
    const racing: CommentApi = {
      list: () => pr.list(),
      // the other job's update lands right after ours, merged from the comment as it was before ours
      get: (id) => {
        if (!overwritten) {
          overwritten = true;
          pr.comments = pr.comments.map((c) => ({ ...c, body: before }));
        }
        return pr.get(id);
      },
      create: (b) => pr.create(b),
      update: (id, b) => pr.update(id, b),
      remove: (id) => pr.remove(id),
    };
    const result = await publishComment(racing, part("prod", "p"), { settle });
    expect(result.attempts).toBe(2);
    expect(contains(result.body, part("prod", "p"))).toBe(true);
    expect(contains(result.body, part("dev", "d"))).toBe(true);
  });

  it("folds two comments that two jobs created at once into the older one", async () => {
    const pr = new FakePullRequest();
    pr.add(part("dev", "d"));
    pr.add(part("prod", "p"));
    const { body, id } = await publishComment(pr, part("stage", "s"), { settle });
    expect(pr.comments.map((c) => c.id)).toEqual([id]);
    expect(layout(body)).toEqual([
      "verdict dev",
      "verdict prod",
      "verdict stage",
      "summary dev",
      "summary prod",
      "summary stage",
    ]);
  });

  it("gives up with a clear message when its part never stays", async () => {
    const pr = new FakePullRequest();
    const hostile: CommentApi = {
      list: () => pr.list(),
      get: async (id) => ({ ...(await pr.get(id))!, body: part("dev", "someone else") }),
      create: (b) => pr.create(b),
      update: (id, b) => pr.update(id, b),
      remove: (id) => pr.remove(id),
    };
    await expect(publishComment(hostile, part("prod", "p"), { settle, attempts: 3 })).rejects.toThrow(
      /kept changing under this job; its part is not in it after 3 attempts/,
    );
  });
});
