// A compiled-JavaScript task: imported directly, without tsx.
export function triple(input) {
  return { y: input.x * 3, tsx: typeof globalThis.__tsxLoaded };
}
