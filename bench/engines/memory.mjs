// Memory of a browser, read from /proc: the resident set of its process and
// every process under it (renderers, workers' hosts, GPU, network), in bytes.
// Each engine runs in a browser of its own, so this is that engine's page.

import { readdirSync, readFileSync } from 'node:fs';

function processes() {
  const table = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: read after its end.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      table.push({ pid: Number(entry), parent: Number(fields[1]), rss });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

export const browserMemory = {
  /** The browsers this process has started (its direct children). */
  browsers() {
    return processes()
      .filter((p) => p.parent === process.pid)
      .map((p) => p.pid);
  },

  /** Resident bytes of `pid` and everything under it. */
  rss(pid) {
    const all = processes();
    const tree = descendants(all, pid);
    return all.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.rss, 0);
  },

  /**
   * Resident bytes of the page: the largest renderer process under `pid`. A
   * page and its workers live in one renderer; the browser's other processes
   * (GPU, network, spare renderers) are not the page's.
   */
  pageRss(pid) {
    const all = processes();
    const tree = descendants(all, pid);
    let largest = 0;
    for (const p of all) {
      if (!tree.has(p.pid)) continue;
      try {
        if (readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('--type=renderer')) largest = Math.max(largest, p.rss);
      } catch {
        // The process ended while we looked.
      }
    }
    return largest;
  },
};

/** `pid` and every process under it. */
function descendants(all, pid) {
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.parent)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return tree;
}
