// Unity `.meta` files for the Unity package (clients/unity). A package installed from a git URL is read-only to
// Unity, which ignores every asset there without a committed .meta; the GUIDs come from the asset's path inside the
// package, so regenerating the same file gives the same .meta byte for byte (the codegen staleness test needs that).
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** The UPM package name: part of every GUID, so that another package with the same layout gets other GUIDs. */
const PACKAGE_NAME = 'com.packetflow.client';

/** Whether a name is an asset of the package: Unity skips hidden and `Name~` ones; npm's and the tests' are never shipped. */
export function isImported(name) {
  return !name.startsWith('.') && !name.endsWith('~') && !['node_modules', 'test-results', 'dist'].includes(name);
}

function guidFor(packagePath) {
  return createHash('md5')
    .update(`${PACKAGE_NAME}/${packagePath.split('\\').join('/')}`)
    .digest('hex');
}

function importerFor(packagePath, isFolder) {
  if (isFolder) return 'folderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n';
  if (basename(packagePath) === 'package.json') return 'PackageManifestImporter:\n  externalObjects: {}\n';
  switch (extname(packagePath)) {
    case '.cs':
      return [
        'MonoImporter:',
        '  externalObjects: {}',
        '  serializedVersion: 2',
        '  defaultReferences: []',
        '  executionOrder: 0',
        '  icon: {instanceID: 0}',
        '',
      ].join('\n');
    case '.asmdef':
      return 'AssemblyDefinitionImporter:\n  externalObjects: {}\n';
    case '.md':
    case '.txt':
    case '.json':
      return 'TextScriptImporter:\n  externalObjects: {}\n';
    default:
      return 'DefaultImporter:\n  externalObjects: {}\n';
  }
}

/** The .meta text for an asset at `packagePath` (relative to the package root). */
export function metaFor(packagePath, isFolder) {
  return [
    'fileFormatVersion: 2',
    `guid: ${guidFor(packagePath)}`,
    `${importerFor(packagePath, isFolder)}  userData: `,
    '  assetBundleName: ',
    '  assetBundleVariant: ',
    '',
  ].join('\n');
}

/**
 * Every imported asset under `dir` (files and folders, `dir` itself excluded) as paths relative to `dir`, with
 * whether it is a folder; .meta files are not assets.
 */
export function listAssets(dir) {
  const assets = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!isImported(entry.name) || entry.name.endsWith('.meta')) continue;
    assets.push({ path: entry.name, isFolder: entry.isDirectory() });
    if (entry.isDirectory()) {
      for (const inner of listAssets(join(dir, entry.name)))
        assets.push({ ...inner, path: join(entry.name, inner.path) });
    }
  }
  return assets.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes the .meta of every asset under `dir`, which Unity sees at `packageDir` inside the package. */
export function writeMetas(dir, packageDir) {
  for (const asset of listAssets(dir)) {
    writeFileSync(join(dir, `${asset.path}.meta`), metaFor(join(packageDir, asset.path), asset.isFolder));
  }
}
