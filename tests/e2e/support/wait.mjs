// Polling with a deadline. playwright-core has no `expect`, and polling from
// node lets every wait say what it last saw when it gives up.

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Calls `check` until it returns something truthy, and returns that. A throw
 * counts as "not yet". After `timeout` ms it throws, naming `what` (a string,
 * or a function called then, so it can describe the latest state).
 */
export async function waitUntil(check, { timeout = 30_000, interval = 100, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const described = typeof what === 'function' ? await Promise.resolve().then(what).catch((e) => `? (${e})`) : what;
      const cause = lastError ? `; last error: ${lastError.message ?? lastError}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${described}${cause}`);
    }
    await sleep(interval);
  }
}
