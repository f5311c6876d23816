/**
 * The import graph of lib/, read from the sources: lib/hw reaches nothing in lib/models, not even
 * through another topic (networks are lib/networks' registry), and no file imports itself back
 * through a cycle. Relative imports, re-exports and require() calls count. For cycles, type-only
 * imports (`import type`, erased from the JavaScript: isolatedModules) do not: they cannot change
 * the order modules load in, and a recursive type needs one (a scaled format holds any format,
 * lib/quant/formats/scaled.ts, and the Format union of registry.ts holds the scaled format).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const LIB = "lib";
const SKIP = new Set(["dist", "node_modules", "wasm"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIP.has(name) ? [] : sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT =
  /(?:import|export)[^'"]*?from\s+["'](\.[^'"]+)["']|require\(\s*["'](\.[^'"]+)["']\s*\)|import\s+["'](\.[^'"]+)["']/g;

const TYPE_ONLY = /^(?:import|export)\s+type\s/;

function graph({ types }: { types: boolean }): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(LIB)) {
    const deps: string[] = [];
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (!types && TYPE_ONLY.test(m[0])) continue;
      const base = normalize(join(dirname(file), m[1] ?? m[2] ?? m[3]));
      // A .js target is generated at build time (lib/backend/generated) and imports nothing of lib.
      const target = [`${base}.ts`, join(base, "index.ts"), `${base}.js`].find((p) => existsSync(p));
      assert.ok(target !== undefined, `${file}: import ${base} resolves to no file`);
      deps.push(target);
    }
    edges.set(file, deps);
  }
  return edges;
}

test("no file under lib/hw reaches lib/models, directly or through other files", () => {
  const edges = graph({ types: true });
  for (const start of [...edges.keys()].filter((f) => f.startsWith(join(LIB, "hw")))) {
    const seen = new Set<string>(),
      path = new Map<string, string>([[start, start]]);
    const todo = [start];
    while (todo.length > 0) {
      const file = todo.pop()!;
      for (const dep of edges.get(file) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        path.set(dep, `${path.get(file)} -> ${dep}`);
        assert.ok(!dep.startsWith(join(LIB, "models")), `lib/hw imports lib/models: ${path.get(dep)}`);
        todo.push(dep);
      }
    }
  }
});

test("lib has no import cycle (of imports that load a module)", () => {
  const edges = graph({ types: false });
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of edges.get(file) ?? []) {
      if (state.get(dep) === "open")
        assert.fail(`import cycle: ${[...stack.slice(stack.indexOf(dep)), dep].join(" -> ")}`);
      if (state.get(dep) === undefined) visit(dep);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...edges.keys()].sort()) if (state.get(file) === undefined) visit(file);
  assert.ok(edges.size > 50);
});
