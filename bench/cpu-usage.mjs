// Preloaded into each `dynaspin train` process the accuracy benchmark starts (node --import):
// writes the process's CPU time (user + system, seconds) to the file named by
// DYNASPIN_BENCH_CPU_FILE when it exits. CPU time is what the machine's load does not inflate.
import { writeFileSync } from "node:fs";

const file = process.env.DYNASPIN_BENCH_CPU_FILE;
if (file) {
  process.on("exit", () => {
    const u = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ user: u.user / 1e6, system: u.system / 1e6 }));
  });
}
