// Pure: whether a word given as a kernel release can be one, checked before it becomes a path or a
// package name. The kernel keeps its release in 64 characters (__NEW_UTS_LEN); every release
// starts with its version (6.1.0-56-amd64), so "." and ".." never pass.
const RELEASE = /^\d+\.\d+[\w.+~-]*$/;
const MAX_LENGTH = 64;

// What is wrong with `release`, or undefined when it is shaped like a release.
export function releaseNameProblem(release: string): string | undefined {
  if (release.length > MAX_LENGTH)
    return (
      `"${release.slice(0, 24)}..." (${release.length} characters) is not ` +
      `a kernel release: a release has at most ${MAX_LENGTH} characters`
    );
  if (!RELEASE.test(release)) return `"${release}" is not a kernel release name`;
  return undefined;
}
