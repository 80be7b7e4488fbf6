/**
 * Rows of numbers as one Float64Array, row after row: how the reader threads (sqlite-reader-worker.ts)
 * hand a statement's rows to the store, moved rather than copied object by object, and how the store
 * reads them on its own thread alike.
 */
/** Rows of numbers, row after row; a cell that is not a number is a mistake of the statement, said so. */
export function numbersOf(rows: unknown[][], columns: number): Float64Array {
  const out = new Float64Array(rows.length * columns);
  let i = 0;
  for (const row of rows) {
    for (let c = 0; c < columns; c++) {
      const v = row[c];
      if (typeof v !== "number")
        throw new TypeError(`column ${c} of a row holds ${v === null ? "NULL" : typeof v}, not a number`);
      out[i++] = v;
    }
  }
  return out;
}

/** A statement's rows of numbers: cell (row r, column c) at numbers[r * columns + c]. */
export interface NumberRows {
  numbers: Float64Array;
  columns: number;
}
