// Where a generated CI job clones kforge from: SSH remotes, which a job has no key for, become https.
import { describe, expect, it } from "vitest";
import { cloneableUrl } from "../../src/ci/kforge-source.js";

describe("cloneableUrl", () => {
  it("turns an SSH remote into the https URL a CI job can clone, and leaves other URLs alone", () => {
    expect(cloneableUrl("git@github.com:acme/kforge.git")).toBe("https://github.com/acme/kforge.git");
    expect(cloneableUrl("ssh://git@gitlab.example.org:2222/tools/kforge.git")).toBe("https://gitlab.example.org/tools/kforge.git");
    expect(cloneableUrl("https://github.com/acme/kforge.git")).toBe("https://github.com/acme/kforge.git");
    expect(cloneableUrl("file:///srv/git/kforge.git")).toBe("file:///srv/git/kforge.git");
  });
});
