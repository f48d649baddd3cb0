import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { encodeCommand, parseAgentLine, parseStepMarker, quoteShell } from "../../../src/vm/guest/protocol.js";

describe("guest protocol framing", () => {
  it("encodes a command as one line that busybox sh's read and printf %b turn back into it", () => {
    const command = "echo 'hi there' > /dev/hello && cat /dev/hello\\c \\n\nsecond line \t$(x) \"ü\" ";
    const line = encodeCommand(7, command);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.trimEnd().split("\n")).toHaveLength(1);
    const [tag, id, , ...rest] = line.trimEnd().split(" ");
    expect([tag, id, rest]).toEqual(["K", "7", []]);
    // What the agent does with the line (init-script.ts).
    const decoded = execFileSync("busybox", ["sh", "-c", `read -r tag id payload; printf '%b' "$payload"`], { input: line });
    expect(decoded.toString("utf8")).toBe(command);
    expect(encodeCommand(1, "@shell")).toBe("K 1 @shell\n");
  });

  it("parses the agent's hello, heartbeat, output and done lines and ignores noise", () => {
    expect(parseAgentLine("@K 0 hello 6.1.0-850-amd64 0\r")).toEqual({ kind: "hello", release: "6.1.0-850-amd64", tainted: 0 });
    expect(parseAgentLine("@K 3 beat")).toEqual({ kind: "beat", id: 3 });
    const encoded = execFileSync("busybox", ["base64", "-w", "0"], { input: "3\nKilled\n", encoding: "utf8" });
    expect(parseAgentLine(`@K 3 out ${encoded}`)).toEqual({ kind: "output", id: 3, text: "3\nKilled\n" });
    expect(parseAgentLine("@K 3 out ")).toEqual({ kind: "output", id: 3, text: "" });
    expect(parseAgentLine("@K 3 done 137 12416")).toEqual({ kind: "done", id: 3, exitCode: 137, tainted: 12416 });
    expect(parseAgentLine("K 3 ZWNobw==")).toBeUndefined();
    expect(parseAgentLine("garbage @K 1 done 0 0")).toBeUndefined();
  });

  it("finds the step marker on the console with or without a timestamp", () => {
    expect(parseStepMarker("[    2.345678] kforge-step-end 12")).toBe(12);
    expect(parseStepMarker("kforge-step-end 1")).toBe(1);
    expect(parseStepMarker("greet: kforge-step-end x")).toBeUndefined();
  });

  it("quotes words for the guest shell so parameters with spaces and quotes survive", () => {
    expect(quoteShell("count=3")).toBe("count=3");
    const quoted = quoteShell("who=it's me");
    expect(execFileSync("sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" })).toBe("who=it's me");
  });
});
