/**
 * The layout of a FlatBuffers table as the verifier needs it, generated from the schemas into
 * `generated/layouts.ts` by `scripts/fbs-layout.mjs`.
 */
export type FieldLayout =
  | { name: string; slot: number; required: boolean; kind: 'scalar' | 'struct'; size: number; align: number }
  | { name: string; slot: number; required: boolean; kind: 'string' }
  | { name: string; slot: number; required: boolean; kind: 'table'; table: string }
  | {
      name: string;
      slot: number;
      required: boolean;
      kind: 'vector';
      element: 'scalar' | 'struct';
      elementSize: number;
      elementAlign: number;
    }
  | { name: string; slot: number; required: boolean; kind: 'vector'; element: 'string' }
  | { name: string; slot: number; required: boolean; kind: 'vector'; element: 'table'; table: string };

export interface TableLayout {
  name: string;
  qualifiedName: string;
  fields: readonly FieldLayout[];
}
