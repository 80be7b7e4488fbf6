#!/usr/bin/env node
// Runs the JavaScript that `npm install` built (scripts/build.mjs): no TypeScript compiler at start-up.
// JISR_SOURCE=1 runs the TypeScript sources through tsx instead, for development without a rebuild
// (`npm run jisr:dev -- <command>`) and in the tests.
if (process.env.JISR_SOURCE === "1") {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/main.ts");
  await main(process.argv);
} else {
  const { main } = await import("../dist/main.js").catch((err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    process.stderr.write(
      "jisr: not built yet: run `npm run build` (npm install does it), or JISR_SOURCE=1\n",
    );
    process.exit(2);
  });
  await main(process.argv);
}
