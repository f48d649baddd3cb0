// Parse errors from the real CLI: every unknown option, command or bad argument gets kforge's own
// `kforge: error:` line and a hint naming the command, never commander's bare line.
import { describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";

describe("parse errors in kforge's form", () => {
  it("names the command an unknown option was given to, and what it takes", async () => {
    const result = await runKforge(["dkms", "check", "--kernel", "x"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      "kforge: error: unknown option '--kernel' for kforge dkms check\n" +
        "hint: kforge dkms check takes no options but --help; kforge dkms check --help describes each\n",
    );
  });

  it("passes commander's suggestion on in the hint", async () => {
    const result = await runKforge(["build", "--kernl", "x"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe("kforge: error: unknown option '--kernl' for kforge build");
    expect(result.stderr).toMatch(/^hint: did you mean --kernel\? kforge build takes --kernel, --kdir, .*--allow-skip; /m);
    expect(result.stderr).not.toMatch(/^error:|Did you mean|run with --help/m);
  });

  it("words unknown commands and bad arguments the same way, and prints the error object with --json", async () => {
    const command = await runKforge(["buidl"]);
    expect(command.stderr).toBe("kforge: error: unknown command 'buidl'\nhint: did you mean build? kforge --help lists the commands\n");
    const argument = await runKforge(["kernel", "fetch"]);
    expect(argument.exitCode).toBe(2);
    expect(argument.stderr).toBe("kforge: error: missing required argument 'release'\nhint: kforge kernel fetch --help for usage\n");
    const json = await runKforge(["kernel", "fetch", "x", "--json", "--bogus"]);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: { message: "unknown option '--bogus' for kforge kernel fetch", hint: expect.stringContaining("kforge kernel fetch takes") },
    });
  });
});
