// A catalogue kept equal to the code it describes: every variable name the code uses is listed, every listed name
// is used, and none is listed twice.
import type { VariableUse } from './source-variables.js';

/**
 * What differs between the names `owner`'s code uses and its catalogue (`catalogueFile` names where the list is),
 * one line per variable naming the file at fault.
 */
export function catalogueProblems(
  owner: string,
  catalogueFile: string,
  listed: readonly { readonly name: string }[],
  uses: readonly VariableUse[],
): string[] {
  const names = listed.map((variable) => variable.name);
  const used = new Set(uses.map((use) => use.name));
  const firstUses = [...used].map((name) => uses.find((use) => use.name === name)!);
  return [
    ...firstUses
      .filter((use) => !names.includes(use.name))
      .map((use) => `${use.file}:${use.line}: ${use.name} is read by ${owner}, but ${catalogueFile} does not list it`),
    ...names
      .filter((name) => !used.has(name))
      .map((name) => `${catalogueFile}: ${name} is listed, but no code of ${owner} reads it`),
    ...names
      .filter((name, index) => names.indexOf(name) !== index)
      .map((name) => `${catalogueFile}: ${name} is listed twice`),
  ];
}
