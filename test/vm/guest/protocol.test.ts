import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { encodeCommand, encodeHelloRequest, parseAgentLine, parseStepMarker, quoteShell } from "../../../src/vm/guest/protocol.js";

const NONCE = "9f0c27b1e4d84a55b0f6c3a2d1e0f9a8";

describe("guest protocol framing", () => {
  it("encodes a command as one line that busybox sh's read and printf %b turn back into it, with its nonce", () => {
    const command = "echo 'hi there' > /dev/hello && cat /dev/hello\\c \\n\nsecond line \t$(x) \"ü\" ";
    const line = encodeCommand(7, NONCE, command);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.trimEnd().split("\n")).toHaveLength(1);
    const [tag, id, nonce, , ...rest] = line.trimEnd().split(" ");
    expect([tag, id, nonce, rest]).toEqual(["K", "7", NONCE, []]);
    // What the agent does with the line (init-script.ts).
    const decoded = execFileSync("busybox", ["sh", "-c", `read -r tag id nonce payload; printf '%b' "$payload"`], { input: line });
    expect(decoded.toString("utf8")).toBe(command);
    expect(encodeCommand(1, NONCE, "@shell")).toBe(`K 1 ${NONCE} @shell\n`);
    expect(encodeHelloRequest(NONCE)).toBe(`\nH 0 ${NONCE}\n`);
  });

  it("parses the agent's hello, heartbeat, output and done frames with their nonce and ignores noise", () => {
    expect(parseAgentLine("@K 0 - hello 6.1.0-850-amd64 0 whole\r")).toEqual({
      kind: "hello",
      nonce: "-",
      release: "6.1.0-850-amd64",
      tainted: 0,
      initramfsWhole: true,
    });
    // Only the agent's own word says the initramfs arrived whole.
    expect(parseAgentLine("@K 0 - hello 6.1.0-850-amd64 0 cut")).toMatchObject({ initramfsWhole: false });
    expect(parseAgentLine("@K 0 - hello 6.1.0-850-amd64 0")).toMatchObject({ initramfsWhole: false });
    expect(parseAgentLine("@K 0 - beat")).toEqual({ kind: "beat" });
    const encoded = execFileSync("busybox", ["base64", "-w", "0"], { input: "3\nKilled\n", encoding: "utf8" });
    expect(parseAgentLine(`@K 3 ${NONCE} out ${encoded}`)).toEqual({ kind: "output", id: 3, nonce: NONCE, text: "3\nKilled\n" });
    expect(parseAgentLine(`@K 3 ${NONCE} out `)).toEqual({ kind: "output", id: 3, nonce: NONCE, text: "" });
    expect(parseAgentLine(`@K 3 ${NONCE} done 137 12416`)).toEqual({ kind: "done", id: 3, nonce: NONCE, exitCode: 137, tainted: 12416 });
    // A done without a readable status is a failure, never a pass.
    expect(parseAgentLine(`@K 3 ${NONCE} done x`)).toMatchObject({ exitCode: 255 });
    expect(parseAgentLine("K 3 ZWNobw==")).toBeUndefined();
    expect(parseAgentLine(`garbage @K 1 ${NONCE} done 0 0`)).toBeUndefined();
    // The frame of the old agent, without a nonce, is not one.
    expect(parseAgentLine("@K 3 done 0 0")).toBeUndefined();
  });

  it("finds the step marker with its nonce on the console, with or without a timestamp, and nothing else", () => {
    expect(parseStepMarker(`[    2.345678] kforge-step-end 12 ${NONCE}`)).toEqual({ id: 12, nonce: NONCE });
    expect(parseStepMarker(`kforge-step-end 1 ${NONCE}`)).toEqual({ id: 1, nonce: NONCE });
    expect(parseStepMarker("kforge-step-end 1")).toBeUndefined();
    expect(parseStepMarker(`greet: kforge-step-end 3 ${NONCE}`)).toBeUndefined();
  });

  it("quotes words for the guest shell so parameters with spaces and quotes survive", () => {
    expect(quoteShell("count=3")).toBe("count=3");
    const quoted = quoteShell("who=it's me");
    expect(execFileSync("sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" })).toBe("who=it's me");
  });
});
