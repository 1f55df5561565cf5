// Whether two engines gave the same answer: the same number of rows and
// columns, equal strings, and numbers equal to six significant digits (sums of
// floats in another order differ in the last places, and one engine's average
// of decimals is a decimal of six places where the other's is a float).
// Returns null, or what differs, as a sentence.

const close = (a, b) => a === b || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

export function compareAnswers(left, right) {
  if (left.rows.length !== right.rows.length) {
    return `${left.rows.length} rows against ${right.rows.length}`;
  }
  if (left.columns.length !== right.columns.length) {
    return `columns ${left.columns.join(', ')} against ${right.columns.join(', ')}`;
  }
  for (let row = 0; row < left.rows.length; row += 1) {
    for (let column = 0; column < left.columns.length; column += 1) {
      const a = left.rows[row][column];
      const b = right.rows[row][column];
      const same = typeof a === 'number' && typeof b === 'number' ? close(a, b) : a === b;
      if (!same) {
        return `row ${row + 1}, column ${column + 1} (${left.columns[column]} / ${right.columns[column]}): ${JSON.stringify(a)} against ${JSON.stringify(b)}`;
      }
    }
  }
  return null;
}
