// Pure: the make environment of a reproducible build. When SOURCE_DATE_EPOCH or KBUILD_BUILD_TIMESTAMP
// asks for one, the build timestamp follows SOURCE_DATE_EPOCH and the module dir's absolute path is
// mapped away in debug info and __FILE__, so the same sources in another dir give the same .ko.
// Without them nothing changes: debuggers keep finding the sources by their absolute paths.
export function reproducibleEnvironment(environment: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const epoch = environment.SOURCE_DATE_EPOCH;
  if (epoch === undefined && environment.KBUILD_BUILD_TIMESTAMP === undefined) return environment;
  const timestamp = environment.KBUILD_BUILD_TIMESTAMP ?? (/^\d+$/.test(epoch ?? "") ? `@${epoch}` : undefined);
  // kbuild adds KCFLAGS from the environment to every compile; a KCFLAGS= make argument replaces it.
  const prefixMap = `-ffile-prefix-map=${dir.replace(/\/$/, "")}/=`;
  const flags = [environment.KCFLAGS, prefixMap].filter((flag) => flag !== undefined && flag !== "").join(" ");
  return { ...environment, ...(timestamp === undefined ? {} : { KBUILD_BUILD_TIMESTAMP: timestamp }), KCFLAGS: flags };
}
