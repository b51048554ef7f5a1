// Unit tests of the quotations read from documentSymbol answers (`npm test`).

import { strict as assert } from 'assert';
import { test } from 'node:test';

import { quotations } from '../quotations';

const range = (l1: number, c1: number, l2: number, c2: number) => ({
  start: { line: l1, character: c1 },
  end: { line: l2, character: c2 },
});

test('quotations of a hierarchical outline, in document order, with speakers', () => {
  // The shape qalam answers (src/lsp/symbols.rs): a Namespace group of String symbols, then entity groups.
  const result = [
    {
      name: 'Quotations',
      kind: 3,
      range: range(1, 10, 4, 2),
      selectionRange: range(1, 11, 1, 20),
      children: [
        { name: 'نعم', detail: '', kind: 15, range: range(4, 0, 4, 2), selectionRange: range(4, 1, 4, 1) },
        { name: 'إن التنسيق بين', detail: 'سامح شكري', kind: 15, range: range(1, 10, 1, 60), selectionRange: range(1, 11, 1, 59) },
      ],
    },
    {
      name: 'People',
      kind: 3,
      range: range(0, 30, 0, 39),
      selectionRange: range(0, 30, 0, 39),
      children: [{ name: 'سامح شكري', kind: 19, range: range(0, 30, 0, 39), selectionRange: range(0, 30, 0, 39) }],
    },
  ];
  assert.deepEqual(quotations(result), [
    { text: 'إن التنسيق بين', speaker: 'سامح شكري', range: range(1, 10, 1, 60), selectionRange: range(1, 11, 1, 59) },
    { text: 'نعم', speaker: undefined, range: range(4, 0, 4, 2), selectionRange: range(4, 1, 4, 1) },
  ]);
});

test('flat answers, empty answers and junk', () => {
  const flat = [
    { name: 'سنبدأ غدا', kind: 15, containerName: 'Quotations', location: { uri: 'file:///a', range: range(0, 5, 0, 9) } },
    { name: 'خالد العمري', kind: 19, containerName: 'People', location: { uri: 'file:///a', range: range(0, 1, 0, 3) } },
  ];
  assert.deepEqual(quotations(flat), [
    { text: 'سنبدأ غدا', speaker: undefined, range: range(0, 5, 0, 9), selectionRange: range(0, 5, 0, 9) },
  ]);
  assert.deepEqual(quotations(null), []);
  assert.deepEqual(quotations([{ kind: 15 }, { name: 'x', kind: 15, range: { start: 1 } }, 7]), []);
});
