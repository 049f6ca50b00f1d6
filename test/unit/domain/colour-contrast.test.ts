import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contrastWithWhite, minimumContrast } from '../../../shared/domain/tenants/colour-contrast.ts';

test('contrast of white text on a colour, as WCAG 2 computes it', () => {
  assert.equal(contrastWithWhite('#ffffff'), 1);
  assert.equal(Number(contrastWithWhite('#000000').toFixed(2)), 21);
  // The classic boundary: #767676 is the lightest grey that passes AA on white, #777777 fails.
  assert.ok(contrastWithWhite('#767676') >= minimumContrast);
  assert.ok(contrastWithWhite('#777777') < minimumContrast);
  assert.equal(contrastWithWhite('#3b5bdb').toFixed(1), '5.7', 'the default brand colour passes');
  assert.ok(contrastWithWhite('#FAB005') < 2, 'upper-case digits read the same');
});
