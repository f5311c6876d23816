/**
 * Finds `tf.tidy` calls whose callback returns the data of a tensor (dataSync(), arraySync(),
 * data(), array(), or an array built from them). tf.tidy walks the value its callback returns,
 * looking for tensors to keep, element by element: a 1024 x 1024 Float32Array costs about 1.8 s,
 * 25x the product that made it (issue 17). Read data outside tidy and dispose the tensor; a
 * scalar (`x.dataSync()[0]`, a comparison) is fine.
 *
 * The check is syntactic (TypeScript's parser, no type information): it follows the returned
 * expression through parentheses, casts, `?:`, `??`/`||`/`&&`, commas, array and object
 * literals, spreads, array-returning methods (map, slice, ...), Array.from/TypedArray.from, and
 * local variables of the callback assigned such an expression. Data hidden behind a call to
 * another function is not seen.
 *
 *   npx tsx scripts/tidy-pitfall.ts [files...]   (default: the project's .ts files and notebooks)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** Tensor methods whose result is the tensor's values as a typed array or nested JS arrays. */
const READS = new Set(["dataSync", "arraySync", "data", "array"]);
/** Methods of arrays and typed arrays that return an array derived from the receiver. */
const ARRAY_METHODS = new Set([
  "map",
  "slice",
  "filter",
  "subarray",
  "concat",
  "reverse",
  "sort",
  "flat",
  "fill",
  "toSorted",
  "toReversed",
]);

export interface TidyPitfall {
  file: string;
  /** 1-based line of the tf.tidy call. */
  line: number;
  text: string;
}

function isTidyCall(node: ts.CallExpression): boolean {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text === "tidy";
  return ts.isPropertyAccessExpression(callee) && callee.name.text === "tidy";
}

function methodName(call: ts.CallExpression): string | undefined {
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
}

/** Local `const`/`let` initializers of a function body, not descending into nested functions. */
function localInitializers(body: ts.Node): Map<string, ts.Expression> {
  const locals = new Map<string, ts.Expression>();
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) {
      locals.set(node.name.text, node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return locals;
}

/** Whether `e`'s value is (or holds) the data read from a tensor. */
function carriesData(e: ts.Expression, locals: Map<string, ts.Expression>, seen: Set<string>): boolean {
  const recurse = (x: ts.Expression) => carriesData(x, locals, seen);
  if (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isAwaitExpression(e) ||
    ts.isSpreadElement(e)
  ) {
    return recurse(e.expression);
  }
  if (ts.isConditionalExpression(e)) return recurse(e.whenTrue) || recurse(e.whenFalse);
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.CommaToken) return recurse(e.right);
    if (
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.BarBarToken ||
      op === ts.SyntaxKind.AmpersandAmpersandToken
    ) {
      return recurse(e.left) || recurse(e.right);
    }
    return false;
  }
  if (ts.isArrayLiteralExpression(e)) return e.elements.some(recurse);
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.some(
      (p) =>
        (ts.isPropertyAssignment(p) && recurse(p.initializer)) ||
        (ts.isShorthandPropertyAssignment(p) && recurse(p.name)) ||
        (ts.isSpreadAssignment(p) && recurse(p.expression)),
    );
  }
  if (ts.isIdentifier(e)) {
    const init = locals.get(e.text);
    if (init === undefined || seen.has(e.text)) return false;
    seen.add(e.text);
    return recurse(init);
  }
  if (ts.isCallExpression(e)) {
    const name = methodName(e);
    if (name === undefined) return false;
    if (READS.has(name)) return true;
    const receiver = (e.expression as ts.PropertyAccessExpression).expression;
    if (ARRAY_METHODS.has(name)) return recurse(receiver);
    if (name === "from" && e.arguments.length > 0) return recurse(e.arguments[0]);
  }
  return false;
}

/** The expressions a function returns: its expression body, or its return statements. */
function returnedExpressions(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression[] {
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) && node.expression !== undefined) out.push(node.expression);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return out;
}

/** The pitfalls in one TypeScript source text; `lineOffset` shifts reported lines (notebook cells). */
export function findTidyPitfalls(source: string, file: string, lineOffset = 0): TidyPitfall[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: TidyPitfall[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isTidyCall(node)) {
      const fn = [...node.arguments].reverse().find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a)) as
        ts.ArrowFunction | ts.FunctionExpression | undefined;
      if (fn !== undefined) {
        const locals = localInitializers(fn.body);
        if (returnedExpressions(fn).some((e) => carriesData(e, locals, new Set()))) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          found.push({ file, line: line + 1 + lineOffset, text: node.getText(sf).split("\n")[0] });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The pitfalls in the code cells of a notebook (.ipynb); lines count from each cell's start. */
export function findNotebookTidyPitfalls(file: string): TidyPitfall[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells.flatMap((cell, i) => {
    if (cell.cell_type !== "code") return [];
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    return findTidyPitfalls(source, `${file} cell ${i + 1}`);
  });
}

/** The project's TypeScript sources and notebooks, without dependencies and build output. */
export function projectFiles(root: string): string[] {
  const skip = new Set(["node_modules", "dist", "out", ".git"]);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|ipynb)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(p);
    }
  };
  for (const dir of ["lib", "bench", "scripts", "test", "notebooks"]) {
    if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  }
  return files.sort();
}

export function findPitfallsInFiles(files: readonly string[]): TidyPitfall[] {
  return files.flatMap((f) =>
    f.endsWith(".ipynb") ? findNotebookTidyPitfalls(f) : findTidyPitfalls(fs.readFileSync(f, "utf8"), f),
  );
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const args = process.argv.slice(2);
  const found = findPitfallsInFiles(args.length > 0 ? args : projectFiles(root));
  for (const p of found)
    console.log(`${path.relative(root, p.file)}:${p.line}: tf.tidy returns tensor data: ${p.text}`);
  console.log(`${found.length} tf.tidy call(s) return tensor data`);
  process.exitCode = found.length > 0 ? 1 : 0;
}
