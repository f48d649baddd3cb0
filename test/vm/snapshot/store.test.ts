// The state cache on a real file system, with small stand-in state files (the guest-run test saves real ones).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  commitState,
  findState,
  listDamagedStates,
  listStates,
  lockState,
  newTempStateFiles,
  removeLeftovers,
  snapshotDir,
  type SnapshotMeta,
} from "../../../src/vm/snapshot/store.js";

const root = mkdtempSync(join(tmpdir(), "kforge-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const freshEnv = () => ({ XDG_CACHE_HOME: join(root, String(count++)) });
const meta = (key: string, extra: Partial<SnapshotMeta> = {}): Omit<SnapshotMeta, "format"> => ({
  key,
  release: "6.1.0-850-amd64",
  kernelImage: "/k/vmlinux",
  imageHash: "aa",
  accel: "tcg",
  memoryMb: 256,
  append: [],
  qemu: "qemu 7.2",
  createdAt: new Date().toISOString(),
  ...extra,
});

async function save(key: string, megabytes: number, env: NodeJS.ProcessEnv, extra: Partial<SnapshotMeta> = {}): Promise<void> {
  const temp = await newTempStateFiles(key, env);
  writeFileSync(temp.state, Buffer.alloc(1024));
  writeFileSync(temp.ram, Buffer.alloc(megabytes * 1024 * 1024, 1));
  await commitState(temp, meta(key, extra), env);
}

describe("snapshot store", () => {
  it("renames a finished state into place and leaves no temp file", async () => {
    const env = freshEnv();
    expect(await findState("ab12", env)).toBeUndefined();
    await save("ab12", 1, env);
    expect(await findState("ab12", env)).toEqual({ state: join(snapshotDir(env), "ab12.state"), ram: join(snapshotDir(env), "ab12.ram") });
    expect(readdirSync(snapshotDir(env)).sort()).toEqual(["ab12.json", "ab12.ram", "ab12.state"]);
    rmSync(join(snapshotDir(env), "ab12.ram"));
    expect(await findState("ab12", env)).toBeUndefined();
  });

  it("discards a state whose description is damaged, with a notice, and lists it as damaged until then", async () => {
    const env = freshEnv();
    await save("ab14", 1, env);
    await save("ab15", 1, env, { memoryMb: 128 });
    writeFileSync(join(snapshotDir(env), "ab14.json"), '{"key": "ab14", "release": 5}');
    expect((await listStates(env)).map((state) => state.key)).toEqual(["ab15"]);
    expect(await listDamagedStates(env)).toEqual(["ab14"]);
    const notices: string[] = [];
    expect(await findState("ab14", env, (message) => notices.push(message))).toBeUndefined();
    expect(notices).toEqual([
      `discarded a damaged cache file, ${join(snapshotDir(env), "ab14.json")} (not what kforge writes there); kforge makes it again`,
    ]);
    expect(readdirSync(snapshotDir(env)).filter((name) => name.startsWith("ab14"))).toEqual([]);
    expect(await listDamagedStates(env)).toEqual([]);
  });

  it("counts the RAM file's allocated blocks, not its apparent size", async () => {
    const env = freshEnv();
    await save("ab13", 1, env);
    const ram = join(snapshotDir(env), "ab13.ram");
    truncateSync(ram, 256 * 1024 * 1024);
    const [entry] = await listStates(env);
    expect(entry!.sizeBytes).toBeGreaterThanOrEqual(1024 * 1024 + 1024);
    expect(entry!.sizeBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it("drops the states saved in an older format when a new one is committed", async () => {
    const env = freshEnv();
    mkdirSync(snapshotDir(env), { recursive: true });
    writeFileSync(join(snapshotDir(env), "ee01.json"), JSON.stringify(meta("ee01", { memoryMb: 128 })));
    writeFileSync(join(snapshotDir(env), "ee01.state"), Buffer.alloc(4096));
    expect((await listStates(env)).map((state) => state.key)).toEqual(["ee01"]);
    await save("ee02", 1, env);
    expect((await listStates(env)).map((state) => state.key)).toEqual(["ee02"]);
    expect(readdirSync(snapshotDir(env)).filter((name) => name.startsWith("ee01"))).toEqual([]);
  });

  it("removes the least recently used states over the size cap", async () => {
    const env = { ...freshEnv(), KFORGE_SNAPSHOT_LIMIT_MB: "5" };
    await save("aa01", 2, env, { memoryMb: 1 });
    await save("aa02", 2, env, { memoryMb: 2 });
    utimesSync(join(snapshotDir(env), "aa01.state"), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await save("aa03", 2, env, { memoryMb: 3 });
    expect((await listStates(env)).map((state) => state.key).sort()).toEqual(["aa02", "aa03"]);
  });

  it("drops the states of an image whose content changed", async () => {
    const env = freshEnv();
    await save("bb01", 1, env, { imageHash: "old" });
    await save("bb02", 1, env, { imageHash: "new", memoryMb: 512 });
    expect((await listStates(env)).map((state) => state.key)).toEqual(["bb02"]);
  });

  it("lets one writer hold a key's lock, and takes over a lock whose process has died", async () => {
    const env = freshEnv();
    const unlock = await lockState("cc01", env);
    expect(unlock).toBeDefined();
    expect(await lockState("cc01", env)).toBeUndefined();
    await unlock!();
    writeFileSync(join(snapshotDir(env), "cc01.lock"), "999999999");
    const takeover = await lockState("cc01", env);
    expect(takeover).toBeDefined();
    await takeover!();
    expect(existsSync(join(snapshotDir(env), "cc01.lock"))).toBe(false);
  });

  it("removes half-written states of dead processes but not those of live ones", async () => {
    const env = freshEnv();
    const mine = await newTempStateFiles("dd01", env);
    writeFileSync(mine.state, "partial");
    writeFileSync(join(snapshotDir(env), "dd02.state.tmp-999999999-abcd"), "partial");
    writeFileSync(join(snapshotDir(env), "dd02.ram.tmp-999999999-abcd"), "partial");
    expect(await removeLeftovers(env)).toBe(2);
    expect(readdirSync(snapshotDir(env))).toEqual([mine.state.split("/").pop()]);
  });
});
