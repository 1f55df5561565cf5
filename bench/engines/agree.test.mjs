// The agreement check must catch a wrong answer, or the benchmark would time
// engines that disagree.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareAnswers } from './agree.mjs';

const answer = (rows) => ({ columns: ['city: Utf8', 'revenue: Float64'], rows });

test('equal answers agree, floats to six significant digits', () => {
  assert.equal(compareAnswers(answer([['Paris', 1234567.891]]), answer([['Paris', 1234567.8915]])), null);
  assert.equal(compareAnswers(answer([['Paris', null]]), answer([['Paris', null]])), null);
});

test('a different number, string, row count or column count is reported', () => {
  assert.match(compareAnswers(answer([['Paris', 100]]), answer([['Paris', 101]])), /row 1, column 2/);
  assert.match(compareAnswers(answer([['Paris', 1]]), answer([['Lyon', 1]])), /"Paris" against "Lyon"/);
  assert.match(compareAnswers(answer([['Paris', 1]]), answer([])), /1 rows against 0/);
  assert.match(compareAnswers(answer([['Paris', 1]]), { columns: ['city: Utf8'], rows: [['Paris']] }), /columns/);
  assert.match(compareAnswers(answer([['Paris', 0]]), answer([['Paris', null]])), /0 against null/);
});
