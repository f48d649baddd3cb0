// The NDJSON events of a `kforge watch --json` child, awaited by match: the watch benches' one reader.
export function followWatch(child) {
  let buffer = "";
  const waiters = [];
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const line of lines) for (const waiter of [...waiters]) waiter(JSON.parse(line));
  });
  const waitFor = (match) =>
    new Promise((resolve) => {
      const waiter = (event) => {
        if (!match(event)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        resolve(event);
      };
      waiters.push(waiter);
    });
  // The kernel-log event whose lines hold the text.
  const shows = (text) => (event) => event.event === "kernel-log" && event.lines.some((line) => line.includes(text));
  return { waitFor, shows };
}
