// Run in the image's deps stage, after the install: each uWebSockets.js package ships a `uws_<platform>_<arch>_<abi>.node`
// build for every platform and Node ABI. Keeps the one this Node loads and drops a package with none for it (the
// Node 20 build's package on Node 24), which shared/uws then reports as not installed.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const wanted = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
const uws = JSON.parse(readFileSync('shared/uws/package.json', 'utf8'));
for (const alias of Object.keys(uws.optionalDependencies ?? {})) {
  const root = join('node_modules', alias);
  const builds = readdirSync(root, { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && /^uws_.+\.node$/.test(entry.name),
  );
  if (!builds.some((entry) => entry.name === wanted)) {
    rmSync(root, { recursive: true });
    console.log(`${alias}: no ${wanted}, removed`);
    continue;
  }
  for (const entry of builds) if (entry.name !== wanted) rmSync(join(entry.parentPath, entry.name));
  console.log(`${alias}: kept ${wanted} of ${builds.length} builds`);
}
